/** WGSL for the browser page: the same shaders/ files, bundled as strings by Vite. */
import type { ShaderSource } from './shader-source';

const files = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export const viteShaderFiles: ShaderSource = (file) => {
  const code = files[`../../shaders/${file}`];
  if (code === undefined) throw new Error(`shaders/${file} is not bundled into the page`);
  return code;
};
