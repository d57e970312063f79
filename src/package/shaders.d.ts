/** Written by scripts/build-package.ts: every file of shaders/, by name. */
declare module 'downhill:shaders' {
  export const WGSL: Record<string, string>;
}
