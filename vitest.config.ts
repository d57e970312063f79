import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'bench/**/*.test.ts'],
    // one GPU device per test file; SwiftShader uses both cores, so files run one at a time
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['test/helpers/setup.ts'],
    // the commands compiled once per run, for the spawned command tests (test/helpers/cli.ts)
    globalSetup: ['test/helpers/cli-bundle.ts'],
  },
});
