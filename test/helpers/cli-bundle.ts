/**
 * vitest's globalSetup: compiles the commands (train, evaluate, predict, bench and its engine
 * process) once per test run, as the package's Node bundle does (scripts/node-bundle.ts), into
 * test-build/cli-<pid>/ (gitignored; two folders below the root, where the bundles find shaders/
 * as the package's do). Every run builds afresh from the source under test, so a stale bundle is
 * never tested; the folder goes at the end of the run. The spawned command tests run these
 * (test/helpers/cli.ts): node starts a bundle in ~0.1 s against ~0.45 s through tsx.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT, buildNodeBundle } from '../../scripts/node-bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the folder of this run's compiled commands */
    cliBundle: string;
  }
}

const FOLDER = join(ROOT, 'test-build');

export const CLI_ENTRIES = {
  train: 'src/cli/train.ts', evaluate: 'src/cli/evaluate.ts', predict: 'src/cli/predict.ts',
  bench: 'bench/run.ts', 'bench-engine': 'bench/engine-main.ts',
};

export default async function setup(project: TestProject): Promise<() => void> {
  removeAbandoned();
  const dir = join(FOLDER, `cli-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  await buildNodeBundle(CLI_ENTRIES, dir);
  project.provide('cliBundle', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** The folders of runs that ended without their teardown (killed): their process is gone. */
function removeAbandoned(): void {
  let names: string[] = [];
  try {
    names = readdirSync(FOLDER);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^cli-(\d+)$/.exec(name)?.[1]);
    if (pid && !alive(pid)) rmSync(join(FOLDER, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
