/** Reads WGSL from the repository's shaders/ folder (Node, tsx and vitest). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ShaderSource } from './shader-source';

const SHADER_DIR = fileURLToPath(new URL('../../shaders/', import.meta.url));

export const nodeShaderFiles: ShaderSource = (file) => readFileSync(SHADER_DIR + file, 'utf8');
