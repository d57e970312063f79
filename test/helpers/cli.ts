import { spawnSync } from 'node:child_process';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stderr without the Vulkan loader's harmless XDG_RUNTIME_DIR notice */
  stderr: string;
}

/** Runs `npm run <command>`'s script directly (node + tsx), as a user would, and waits. */
export function runCli(command: 'train' | 'evaluate', args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  const stderr = r.stderr
    .split('\n')
    .filter((l) => !l.startsWith('error: XDG_RUNTIME_DIR is invalid'))
    .join('\n');
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr };
}
