/**
 * Where WGSL text comes from. The same files in shaders/ serve Node and the browser: Node reads
 * them from disk (shader-files-node.ts), the browser page gets them bundled by Vite.
 */
export type ShaderSource = (file: string) => string;
