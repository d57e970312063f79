/**
 * The resume matrix as data: every optimiser x schedule x backend x step variant of the classifier,
 * and every optimiser x backend of linear regression (on a CSV file and on synthetic data), each a
 * run shape long enough to stop mid-way. The same cases are written as library options (FitOptions,
 * test/reliability/resume-matrix.test.ts runs them all) and as the command's arguments
 * (test/hostile/resume-matrix.test.ts runs a few through the real command).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FitOptions } from '../../src/api/fit';
import type { StepVariant } from '../../src/backend/variants';
import { OPTIMIZER_KINDS, type OptimizerKind } from '../../src/optim/optimizer';
import type { Schedule } from '../../src/optim/schedule';
import { head, writeIdxFolder } from './idx';
import { mnist } from './mnist';

/** Where a case's data comes from: the first 100, 300 or 600 MNIST images as IDX files, a CSV file, or the synthetic generator. */
export type MatrixData = 'small' | 'medium' | 'large' | 'csv' | 'synthetic';

export interface MatrixCase {
  name: string;
  data: MatrixData;
  backend: 'webgpu' | 'cpu';
  /** the step variant asked for (WebGPU's classifier); null: the engine's only way */
  variant: StepVariant | null;
  optimizer: OptimizerKind;
  lr: number;
  schedule: keyof typeof SCHEDULES;
  batchSize: number | 'full';
  epochs: number;
  /** updates between periodic checkpoints */
  every: number;
}

export const SEED = 5;
export const SYNTHETIC = { rows: 400, features: 6, noise: 0.2 } as const;
export const CSV_TARGET = 'y';

/**
 * A run shape per step variant: its data, batch size and length, long enough that the first
 * checkpoint and the stop after the next one fall mid-run (mid-epoch where an epoch has several
 * updates), that the step schedule decays after the resume and the warm-up ends within the run (3
 * updates: full batch runs 4); split-K gets batches of several
 * chunks (150 rows: 3 of 64; 600: 2 of 512).
 */
const SHAPES = {
  'four-kernels': { data: 'small', batchSize: 10, epochs: 3, every: 7 },
  'split-k-64': { data: 'medium', batchSize: 150, epochs: 6, every: 3 },
  'split-k-512': { data: 'large', batchSize: 'full', epochs: 4, every: 2 },
  'register-blocked': { data: 'large', batchSize: 'full', epochs: 4, every: 2 },
  'fused-32': { data: 'small', batchSize: 8, epochs: 3, every: 10 },
  'fused-64': { data: 'small', batchSize: 8, epochs: 3, every: 10 },
  'fused-256': { data: 'small', batchSize: 8, epochs: 3, every: 10 },
  cpu: { data: 'small', batchSize: 10, epochs: 3, every: 7 },
} as const satisfies Record<string, { data: MatrixData; batchSize: number | 'full'; epochs: number; every: number }>;
const REGRESSION_SHAPE = { batchSize: 32, epochs: 3, every: 7 } as const;

/** Every optimiser, at a rate that trains these shapes without diverging (0.002 for the adaptive ones). */
const RATES: Partial<Record<OptimizerKind, number>> = { sgd: 0.05, momentum: 0.01, nesterov: 0.01 };

export const SCHEDULES = {
  constant: undefined,
  step: { kind: 'step', every: 2, factor: 0.7 },
  'cosine+warmup': { kind: 'cosine', warmup: 3 },
} as const satisfies Record<string, Partial<Schedule> | undefined>;

function classifierCases(): MatrixCase[] {
  const cases: MatrixCase[] = [];
  for (const optimizer of OPTIMIZER_KINDS) {
    for (const schedule of Object.keys(SCHEDULES) as (keyof typeof SCHEDULES)[]) {
      for (const [shape, s] of Object.entries(SHAPES)) {
        // the fused step is plain SGD: it applies to sgd only
        if (shape.startsWith('fused') && optimizer !== 'sgd') continue;
        const backend = shape === 'cpu' ? 'cpu' : 'webgpu';
        cases.push({
          name: `${optimizer}, ${schedule}, ${backend === 'cpu' ? 'cpu' : `webgpu ${shape}`}`,
          data: s.data, backend, variant: backend === 'cpu' ? null : (shape as StepVariant),
          optimizer, lr: RATES[optimizer] ?? 0.002, schedule, batchSize: s.batchSize, epochs: s.epochs, every: s.every,
        });
      }
    }
  }
  return cases;
}

/** Linear regression: each optimiser on each backend, with a schedule; CSV and synthetic data in turn. */
function regressionCases(): MatrixCase[] {
  return OPTIMIZER_KINDS.flatMap((optimizer, i) => (['webgpu', 'cpu'] as const).map((backend): MatrixCase => {
    const data = i % 2 === 0 ? 'csv' : 'synthetic';
    return {
      name: `regression on ${data}, ${optimizer}, cosine+warmup, ${backend}`,
      data, backend, variant: null, optimizer, lr: RATES[optimizer] ?? 0.002, schedule: 'cosine+warmup', ...REGRESSION_SHAPE,
    };
  }));
}

export const MATRIX: readonly MatrixCase[] = [...classifierCases(), ...regressionCases()];

/** The case of this name (the spawned tests pick theirs by name). */
export function matrixCase(name: string): MatrixCase {
  const c = MATRIX.find((m) => m.name === name);
  if (!c) throw new Error(`no resume-matrix case is named '${name}'`);
  return c;
}

/** The case as fit's options (everything but the checkpoint, the signal and a resume). */
export function fitOptions(c: MatrixCase): FitOptions {
  const schedule = SCHEDULES[c.schedule];
  return { batchSize: c.batchSize, epochs: c.epochs, lr: c.lr, seed: SEED, optimizer: { kind: c.optimizer }, ...(schedule ? { schedule } : {}) };
}

/** The files the cases read, written once per test file. */
export interface MatrixFiles {
  small: string;
  medium: string;
  large: string;
  csv: string;
}

let files: MatrixFiles | undefined;

export function matrixFiles(): MatrixFiles {
  if (files) return files;
  const csv = join(mkdtempSync(join(tmpdir(), 'downhill-matrix-')), 'rows.csv');
  writeFileSync(csv, `a,b,c,d,e,${CSV_TARGET}\n${Array.from({ length: 400 }, (_, i) => {
    const x = [Math.sin(i), Math.cos(i * 0.7), (i % 13) / 13, Math.sin(i * 0.3) * 2, ((i * 7) % 11) - 5];
    return `${x.map((v) => v.toFixed(4)).join(',')},${(3 * x[0]! - x[1]! + 0.5 * x[4]! + Math.sin(i * 1.7) * 0.1).toFixed(4)}`;
  }).join('\n')}\n`);
  files = {
    small: writeIdxFolder(head(mnist().train, 100), head(mnist().test, 30)),
    medium: writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30)),
    large: writeIdxFolder(head(mnist().train, 600), head(mnist().test, 30)),
    csv,
  };
  return files;
}

/** The case as `train`'s arguments, the checkpoint and output flags left to the caller. */
export function cliArgs(c: MatrixCase): string[] {
  const f = matrixFiles();
  const data = {
    small: ['--data', f.small],
    medium: ['--data', f.medium],
    large: ['--data', f.large],
    csv: ['--task', 'regression', '--csv', f.csv, '--target', CSV_TARGET],
    synthetic: ['--task', 'regression', '--synthetic', `${SYNTHETIC.rows},${SYNTHETIC.features}`, '--noise', String(SYNTHETIC.noise)],
  }[c.data];
  const s = SCHEDULES[c.schedule];
  const schedule = s === undefined ? [] : s.kind === 'step' ? ['--schedule', 'step', '--decay-every', String(s.every), '--decay-factor', String(s.factor)] : ['--schedule', 'cosine', '--warmup', String(s.warmup)];
  const engine = c.variant === null ? ['--backend', c.backend] : ['--step-variant', c.variant];
  return [...data, '--batch-size', String(c.batchSize), '--epochs', String(c.epochs), '--seed', String(SEED), '--optimizer', c.optimizer, '--lr', String(c.lr), ...schedule, ...engine];
}
