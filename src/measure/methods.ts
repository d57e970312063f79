/**
 * A comparison of training methods on one backend, each trained for the same time (after a short
 * probe that sizes its log-spaced recordings): the measurement behind bench/optimizers.ts
 * (optimisers and schedules at one batch size) and bench/regression.ts (linear regression's batch
 * sizes), and its results file (schema "downhill-methods/1"), read by src/report/methods-report.ts.
 */
import type { Backend } from '../backend/backend';
import type { TrainingData } from '../data/training-data';
import type { AdapterReport } from '../device/adapter-info';
import type { Optimizer } from '../optim/optimizer';
import type { Schedule } from '../optim/schedule';
import { type Curve, measureCurve } from './curve';

export interface MethodResult {
  method: { name: string; batchSize: number; lr: number; optimizer: Optimizer; schedule: Schedule };
  /** how the steps ran */
  variant: string | undefined;
  /** over the curve's training time */
  samplesPerSecond: number;
  curve: Curve;
}

export interface MethodsBench {
  schema: 'downhill-methods/1';
  /** the report's heading and the plots' title, e.g. "Optimisers and schedules at batch 100" */
  title: string;
  /** what was trained, on what data, for the report's first paragraph */
  problem: string;
  /** the command that reproduces it */
  command: string;
  createdAt: string;
  adapter: AdapterReport;
  adapterLabel: string;
  environment: Record<string, unknown>;
  budgetMs: number;
  seed: number;
  /** the accuracy target is on the test set's accuracy, or its R² for regression */
  targets: { loss: number; accuracy: number; metric: 'accuracy' | 'R²' };
  trainExamples: number;
  results: MethodResult[];
}

export async function runMethods(
  backend: Backend, data: TrainingData, methods: readonly MethodResult['method'][], seed: number, budgetMs: number,
  targets: { loss: number; accuracy: number },
): Promise<MethodResult[]> {
  const results: MethodResult[] = [];
  for (const method of methods) {
    const curve = (expected: number, o: { budgetMs: number; points: number; maxEpochs: number }) =>
      measureCurve(backend, data, { ...method, seed }, expected, targets, o);
    const probe = await curve(1, { budgetMs: 300, points: 2, maxEpochs: 1 });
    const updatesPerSecond = probe.history.at(-1)!.step / (probe.trainMs / 1000);
    const c = await curve(updatesPerSecond, { budgetMs, points: 24, maxEpochs: 1000 });
    const last = c.history.at(-1)!;
    results.push({ method, variant: backend.variant?.note, samplesPerSecond: last.samples / (c.trainMs / 1000), curve: c });
    console.error(`  ${method.name}: loss ${last.loss.toPrecision(4)}, test metric ${(last.testAccuracy ?? 0).toFixed(4)} after ${(c.trainMs / 1000).toFixed(1)} s`);
  }
  return results;
}
