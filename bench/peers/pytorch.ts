/**
 * The PyTorch peer (bench/peers/pytorch.py) as one of the benchmark's engines: it runs in a
 * Python process of its own, only where some Python can `import torch` (scripts/install-pytorch.sh
 * installs Debian's); elsewhere the engine's result says it was skipped and why. Its output
 * becomes an EngineResult like every other engine's, so the report's tables and "vs" columns
 * take it without a special case.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AdapterReport } from '../../src/device/adapter-info';
import type { EngineJob, EngineResult, RunResult } from '../../src/measure/results';
import { summarize } from '../../src/measure/stats';

/** beside this module: bench/peers/ in the repository, the compiled bench's folder in the package */
export const PYTORCH_SCRIPT = fileURLToPath(new URL('./pytorch.py', import.meta.url));
/** the threads PyTorch may use: the machine the committed results come from has 2 cores */
export const PYTORCH_THREADS = 2;

/** Pythons tried in order: $DOWNHILL_PYTHON, the one on PATH, Debian's (which python3-torch installs for). */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([env.DOWNHILL_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
}

/** The first Python that can import torch, or why none can (the report prints it). */
export function findTorchPython(candidates: readonly string[]): { python: string } | { skipped: string } {
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python };
    const why = r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`);
    tried.push(`${python}: ${why}`);
  }
  return { skipped: `no Python could import torch (${tried.join('; ')}); install Debian's python3-torch and libopenblas0-pthread (the repository's scripts/install-pytorch.sh does)` };
}

/** What pytorch.py prints. */
export interface PytorchOutput {
  torch: string;
  threads: number;
  blas: string[];
  examples: number;
  /** loading the IDX files into tensors */
  setupMs: number;
  runs: Array<{ batchSize: number; lr: number; stepsPerRep: number; samplesPerSecond: number[]; curve?: Array<[number, number, number]> }>;
}

export function pytorchAdapter(out: Pick<PytorchOutput, 'torch' | 'threads' | 'blas'> | null): AdapterReport {
  const what = out ? `PyTorch ${out.torch} on the CPU, ${out.threads} threads, BLAS ${out.blas.join(', ') || 'none loaded'}` : 'PyTorch on the CPU';
  return { vendor: 'cpu', architecture: '', device: '', description: what, software: true, runtime: 'cpu' };
}

/** pytorch.py's output as the engine's result (throughput as every engine reports it). */
export function pytorchResult(out: PytorchOutput): EngineResult {
  const runs = out.runs.map((r): RunResult => {
    const sps = summarize(r.samplesPerSecond);
    const ups = summarize(r.samplesPerSecond.map((x) => x / r.batchSize));
    return { batchSize: r.batchSize, lr: r.lr, throughput: { stepsPerRep: r.stepsPerRep, samplesPerSecond: sps, updatesPerSecond: ups, epochMs: (out.examples / sps.median) * 1000 } };
  });
  return { engine: 'pytorch-cpu', adapter: pytorchAdapter(out), examples: out.examples, setupMs: out.setupMs, runs };
}

export function skippedResult(reason: string): EngineResult {
  return { engine: 'pytorch-cpu', adapter: pytorchAdapter(null), setupMs: 0, runs: [], skipped: reason };
}

/** Runs the peer on `job` (its batch sizes, rates, seed and throughput options); never throws for a missing torch. */
export function runPytorchPeer(job: EngineJob, candidates = pythonCandidates()): EngineResult {
  const found = findTorchPython(candidates);
  if ('skipped' in found) return skippedResult(found.skipped);
  const t = job.throughput;
  const argv = [
    PYTORCH_SCRIPT, '--data', job.dataDir,
    '--batch-sizes', job.runs.map((r) => r.batchSize).join(','), '--lrs', job.runs.map((r) => r.lr).join(','),
    '--reps', `${t.reps}`, '--warmup-ms', `${t.warmupMs}`, '--rep-ms', `${t.repMs}`, '--max-ms', `${t.maxMs}`,
    '--seed', `${job.seed}`, '--threads', `${PYTORCH_THREADS}`,
  ];
  const r = spawnSync(found.python, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`pytorch-cpu failed (${found.python} ${PYTORCH_SCRIPT}: exit ${r.status ?? r.signal}); see the lines above`);
  return pytorchResult(JSON.parse(r.stdout) as PytorchOutput);
}
