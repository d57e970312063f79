/**
 * The markdown report and the plots, generated from a results file alone (so a report can be
 * regenerated, and tested on synthetic results). Every figure and every sentence of the
 * conclusions is computed from the measurements.
 */
import { count as int, percent as pct } from '../format';
import { type BenchResults, type EngineName, MAIN_ENGINE, type RunResult } from '../measure/results';
import { engineRuns, firstToTargetLoss, lossAtSamples, lowestLoss, medianSamplesPerSecond, ratio, throughputKnee } from './analysis';
import { type Chart, lineChart } from './svg';

const rate = (x: number) => (x >= 10 ? int(x) : x.toFixed(2));
const secs = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const times = (x: number | undefined) => (x === undefined ? 'n/a' : x >= 10 ? `${x.toFixed(0)}x` : `${x.toFixed(2)}x`);
const batchName = (b: number, n: number) => (b === n ? `${int(b)} (full)` : int(b));
const spread = (run: RunResult) => {
  const s = run.throughput!.samplesPerSecond;
  return `${int(s.median)} (${int(s.min)}–${int(s.max)}, n=${s.n})`;
};

/** A markdown table's row from its cells, and the delimiter row under a header of `cells` cells. */
const tableRow = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const delimiterRow = (cells: number) => tableRow(new Array<string>(cells).fill('---'));

export interface PlotFiles {
  lossVsTime: string;
  lossVsSamples: string;
  throughput: string;
}

export function charts(r: BenchResults): Record<keyof PlotFiles, Chart> {
  const n = trainExamples(r);
  const curves = engineRuns(r, MAIN_ENGINE).filter((x) => x.curve);
  const name = (x: RunResult) => `batch ${batchName(x.batchSize, n)}, lr ${x.lr}`;
  return {
    lossVsTime: {
      title: `Training loss against training time (${adapterName(r)})`,
      xLabel: 'training time, s (evaluation excluded)', yLabel: 'loss on the whole training set', xLog: true,
      series: curves.map((x) => ({ name: name(x), points: x.curve!.history.map((h) => [h.trainMs / 1000, h.loss] as const) })),
    },
    lossVsSamples: {
      title: 'Training loss against examples seen',
      xLabel: 'examples seen', yLabel: 'loss on the whole training set', xLog: true,
      series: curves.map((x) => ({ name: name(x), points: x.curve!.history.map((h) => [h.samples, h.loss] as const) })),
    },
    throughput: {
      title: `Training throughput against batch size (${adapterName(r)})`,
      xLabel: 'batch size', yLabel: 'samples per second (median)', xLog: true, yLog: true,
      series: r.engines.filter((e) => !e.skipped).map((e) => ({
        name: e.engine,
        dashed: e.engine !== MAIN_ENGINE,
        points: e.runs.filter((x) => x.throughput).map((x) => [x.batchSize, x.throughput!.samplesPerSecond.median] as const),
      })),
    },
  };
}

/** The SVG of each chart that has something to draw (no curves: no loss plots). */
export function plots(r: BenchResults): Partial<Record<keyof PlotFiles, string>> {
  const out: Partial<Record<keyof PlotFiles, string>> = {};
  for (const [key, chart] of Object.entries(charts(r)) as Array<[keyof PlotFiles, Chart]>) {
    if (chart.series.some((s) => s.points.length > 0)) out[key] = lineChart(chart);
  }
  return out;
}

function budgetText(r: BenchResults): string {
  return r.config.budgetMs === undefined ? `${r.config.budgetEpochs} epochs` : secs(r.config.budgetMs);
}

function adapterName(r: BenchResults): string {
  return [r.adapter.vendor, r.adapter.architecture].filter(Boolean).join(' ') || r.adapter.description;
}

function trainExamples(r: BenchResults): number {
  const recorded = r.engines.find((e) => e.examples !== undefined)?.examples;
  if (recorded !== undefined) return recorded;
  // older results: N is known only when the sweep included 'full'
  if (!r.config.batchSizes.includes('full')) throw new Error('these results do not record the training-set size');
  return Math.max(...r.engines.flatMap((e) => e.runs.map((x) => x.batchSize)));
}

export function markdownReport(r: BenchResults, files: Partial<PlotFiles>): string {
  const n = trainExamples(r);
  const { targetLoss, targetAccuracy } = r.config;
  const main = engineRuns(r, MAIN_ENGINE);
  const peers = r.engines.map((e) => e.engine).filter((e) => e !== MAIN_ENGINE);
  const out: string[] = [];
  out.push(`# downhill benchmark: ${adapterName(r)}, ${r.createdAt.slice(0, 10)}`, '');
  if (r.stopped) out.push(`**A partial run:** ${r.stopped}. The engines below are the ones it finished.`, '');
  out.push(`Linear softmax classifier on the MNIST training set (${int(n)} images), plain SGD, zero initial weights, shuffle seed ${r.config.seed}.`);
  out.push(`Adapter: ${r.adapter.description || adapterName(r)}${r.adapter.software ? ' (software)' : ''}. Machine: ${r.environment.cpuModel}, ${r.environment.cores} cores; Node ${r.environment.node}, webgpu ${r.environment.webgpuPackage}, TensorFlow.js ${r.environment.tfjs ?? 'not installed'}; commit ${r.environment.gitCommit ?? 'unknown (not run from a git checkout)'}.`);
  const evalMs = main.reduce((a, x) => a + (x.curve?.evalMs ?? 0), 0);
  const ns = r.engines.flatMap((e) => e.runs.flatMap((x) => (x.throughput ? [x.throughput.samplesPerSecond.n] : [])));
  const repText = Math.min(...ns) === Math.max(...ns) ? `${Math.max(...ns)}` : `${Math.min(...ns)} to ${Math.max(...ns)} (fewer where one step takes seconds; n in each cell)`;
  out.push(`Throughput: samples/s over ${repText} timed repetitions after a warm-up, median (min–max); each repetition is timed to completion. Curves: ${budgetText(r)} of training per batch size; the loss and accuracy evaluations (${secs(evalMs)} in all) are excluded from the training clock.`, '');

  out.push('## Summary: downhill on WebGPU', '');
  const header = ['batch', 'lr', 'samples/s', 'updates/s', 'epoch time', `time to loss ≤ ${targetLoss}`, 'examples to it', `time to test acc ≥ ${pct(targetAccuracy)}`, 'final loss', 'final test acc', ...peers.map((p) => `vs ${p}`)];
  out.push(tableRow(header), delimiterRow(header.length));
  for (const x of main) {
    if (!x.throughput) {
      const failed = [batchName(x.batchSize, n), `${x.lr}`, `failed: ${x.error ?? 'no measurement'}`];
      out.push(tableRow([...failed, ...new Array<string>(header.length - failed.length).fill('')]));
      continue;
    }
    const c = x.curve;
    const last = c?.history.at(-1);
    const reach = (v: { trainMs: number } | null | undefined) => (c === undefined ? 'n/a' : v ? secs(v.trainMs) : 'not reached');
    out.push(tableRow([
      batchName(x.batchSize, n), `${x.lr}`, spread(x), rate(x.throughput.updatesPerSecond.median), secs(x.throughput.epochMs),
      reach(c?.toTargetLoss), c ? (c.toTargetLoss ? int(c.toTargetLoss.samples) : 'not reached') : 'n/a', reach(c?.toTargetAccuracy),
      last ? last.loss.toFixed(4) : 'n/a', last?.testAccuracy !== undefined ? pct(last.testAccuracy) : 'n/a', ...peers.map((p) => (skipped(r, p) ? 'skipped' : times(ratio(r, p, x.batchSize)))),
    ]));
  }
  const variants = main.filter((x) => x.throughput?.variant).map((x) => `batch ${batchName(x.batchSize, n)}: ${x.throughput!.variant}`);
  if (variants.length) out.push('', 'Step variant chosen per batch size (by measurement on this adapter):', '', ...variants.map((v) => `- ${v}`));
  const peak = r.engines.find((e) => e.engine === MAIN_ENGINE)?.peakGpuBytes;
  if (peak !== undefined) out.push('', `Peak GPU memory in downhill's buffers: ${(peak / 2 ** 20).toFixed(1)} MiB (training and test sets as bytes, parameters, per-batch intermediates; nothing is allocated per step).`);
  out.push('', 'Peers:', '', ...r.engines.filter((e) => e.engine !== MAIN_ENGINE).map((e) => `- ${e.engine}: ${e.skipped ? `skipped: ${e.skipped}` : e.adapter.description}`));
  out.push('', `"vs peer" is downhill's median samples/s divided by the peer's at the same batch size and learning rate. Times and examples to a target are interpolated linearly between the two recorded points around the crossing (points are log-spaced in updates; both are in the JSON).`, '');

  out.push('## Throughput of every engine (samples/s, median (min–max))', '');
  out.push(tableRow(['batch', ...r.engines.map((e) => e.engine)]), delimiterRow(1 + r.engines.length));
  for (const x of main.length ? main : r.engines.find((e) => e.runs.length > 0)?.runs ?? []) {
    const cells = r.engines.map((e) => {
      const run = e.runs.find((y) => y.batchSize === x.batchSize);
      return run?.throughput ? spread(run) : run?.error ? `failed: ${run.error}` : e.skipped ? 'skipped' : 'not run';
    });
    out.push(`| ${batchName(x.batchSize, n)} | ${cells.join(' | ')} |`);
  }
  out.push('');

  out.push(...workCountsSection(main, n));

  const kernels = r.engines.find((e) => e.engine === MAIN_ENGINE)?.kernels;
  if (kernels) {
    out.push('## Kernels on this adapter', '');
    const fma = kernels.fmaCeilingGflops === undefined ? '' : ` Multiply-add ceiling: shaders/probe_fma.wgsl runs at ${kernels.fmaCeilingGflops.toFixed(2)} GFLOP/s (independent accumulators, 16 updates per accumulator per pass).`;
    out.push(`Bandwidth ceiling: a ${int(kernels.copyBytes / 2 ** 20)} MiB buffer copy runs at ${kernels.copyCeilingGBps.toFixed(2)} GB/s (bytes read + written, median).${fma} Each kernel alone, many dispatches per submission, median of 5 submissions (min–max), the kernels' submissions alternating; traffic models in src/measure/kernels.ts. Achieved rates are from the median wall time.`);
    out.push(kernels.timestamps === true
      ? "GPU µs: the same submissions timed by the device's timestamp queries (the first pass's beginning to the last one's end), per dispatch; the wall time adds the submit and the wait for completion."
      : kernels.timestamps === false
        ? "GPU µs: none, this device has no 'timestamp-query' feature; wall time only."
        : 'GPU µs: not measured by the benchmark that wrote these results.', '');
    out.push('| kernel | rows | µs per dispatch (wall) | GPU µs | GFLOP/s | of the multiply-add ceiling | GB/s | of the copy ceiling |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const k of kernels.results) {
      const range = k.microsecondsRange ? ` (${k.microsecondsRange[0].toFixed(0)}–${k.microsecondsRange[1].toFixed(0)})` : '';
      const gpuUs = typeof k.gpuMicrosecondsPerDispatch === 'number' ? k.gpuMicrosecondsPerDispatch.toFixed(1) : 'n/a';
      out.push(`| ${k.kernel} | ${int(k.rows)} | ${k.microsecondsPerDispatch.toFixed(1)}${range} | ${gpuUs} | ${k.gflopsPerSecond.toFixed(2)} | ${k.flopFraction === undefined ? '–' : pct(k.flopFraction)} | ${k.gigabytesPerSecond.toFixed(2)} | ${pct(k.bandwidthFraction)} |`);
    }
    out.push('');
  }

  out.push('## Conclusions', '', ...conclusions(r).map((c) => `- ${c}`), '');
  out.push('## Plots', '');
  if (files.lossVsTime) out.push(`![loss against time](${files.lossVsTime})`, '');
  if (files.lossVsSamples) out.push(`![loss against examples](${files.lossVsSamples})`, '');
  if (files.throughput) out.push(`![throughput against batch size](${files.throughput})`, '');
  return out.join('\n');
}

function skipped(r: BenchResults, engine: EngineName): boolean {
  return r.engines.some((e) => e.engine === engine && e.skipped !== undefined);
}

const bytes = (b: number) => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${int(b)} B`);

/** The work each batch size asked of the device, per epoch, and each kernel's invocations per dispatch. */
function workCountsSection(main: readonly RunResult[], n: number): string[] {
  const counted = main.filter((x) => x.throughput?.work);
  if (!counted.length) return [];
  const out = ['## Work asked of the device (downhill on WebGPU)', ''];
  out.push('Counted over the timed repetitions of the throughput measurement (one runSteps call per repetition, two where it wrapped an epoch\'s end) and scaled to one epoch of N / batch steps. Waits are awaited completions (a readback\'s mapAsync, onSubmittedWorkDone). Invocations per dispatch: workgroups × workgroup size, per kernel.', '');
  out.push('| batch | variant | steps counted | dispatches / epoch | dispatches / step | submits / epoch | waits / epoch | read back / epoch | invocations per dispatch |');
  out.push(delimiterRow(9));
  for (const x of counted) {
    const w = x.throughput!.work!;
    const kernels = Object.entries(w.counted.kernels).map(([name, k]) => `${name} ${int((k.workgroups / k.dispatches) * k.workgroupSize)} (${int(k.workgroups / k.dispatches)} × ${k.workgroupSize})`).join(', ');
    const variant = x.throughput!.variant?.split(' ')[0] ?? 'n/a';
    out.push(`| ${batchName(x.batchSize, n)} | ${variant} | ${int(w.steps)} | ${int(w.perEpoch.dispatches)} | ${(w.counted.dispatches / w.steps).toFixed(w.counted.dispatches < w.steps ? 4 : 0)} | ${int(w.perEpoch.submits)} | ${int(w.perEpoch.waits)} | ${bytes(w.perEpoch.readbackBytes)} | ${kernels} |`);
  }
  out.push('');
  return out;
}

/** The answers the benchmark exists for, each stated with its numbers, or why it cannot be. */
export function conclusions(r: BenchResults): string[] {
  const n = trainExamples(r);
  const { targetLoss } = r.config;
  const budget = budgetText(r);
  const main = engineRuns(r, MAIN_ENGINE);
  const at = (b: number) => main.find((x) => x.batchSize === b);
  const out: string[] = [];
  const reached = (x: RunResult) => x.curve?.toTargetLoss;
  const describe = (x: RunResult) =>
    reached(x)
      ? `reached loss ${targetLoss} after ${secs(reached(x)!.trainMs)} (${int(reached(x)!.samples)} examples, ${int(reached(x)!.step)} updates)`
      : `did not reach loss ${targetLoss} within ${budget} (lowest ${lowestLoss(x).toFixed(4)} after ${int(x.curve!.history.at(-1)!.step)} updates)`;

  const b100 = at(100);
  const gd = at(n);
  if (b100?.curve && gd?.curve) {
    const faster = reached(b100) && (!reached(gd) || reached(b100)!.trainMs < reached(gd)!.trainMs);
    out.push(`Mini-batch 100 against full-batch GD: batch 100 ${describe(b100)}; GD ${describe(gd)}. ${faster ? 'Mini-batch 100 gets there sooner in wall time, as the textbook says' : 'Mini-batch 100 does not get there sooner here, unlike the textbook'}; GD processes ${times(medianSamplesPerSecond(gd)! / medianSamplesPerSecond(b100)!)} the samples/s of batch 100 but makes one update per ${secs(gd.throughput!.epochMs)} epoch.`);
  } else {
    out.push('Mini-batch 100 against full-batch GD: not measured (both need convergence curves).');
  }

  const b10 = at(10);
  const sgd = at(1);
  if (b10?.throughput && sgd?.throughput) {
    const speed = medianSamplesPerSecond(b10)! / medianSamplesPerSecond(sgd)!;
    const curveText = b10.curve && sgd.curve ? ` To the loss target: batch 10 ${describe(b10)}; SGD ${describe(sgd)}.` : '';
    out.push(`Mini-batch 10 against SGD: batch 10 processes ${int(medianSamplesPerSecond(b10)!)} samples/s, SGD ${int(medianSamplesPerSecond(sgd)!)}: ${times(speed)} the throughput.${curveText}`);
  }

  // per example: the textbook says small batches make more progress per example seen
  const small = [1, 10, 100].map(at).filter((x): x is RunResult => !!x?.curve);
  if (small.length >= 2) {
    const common = Math.min(...small.map((x) => x.curve!.history.at(-1)!.samples));
    const losses = small.map((x) => ({ b: x.batchSize, loss: lossAtSamples(x, common)! }));
    const best = losses.reduce((a, x) => (x.loss < a.loss ? x : a));
    out.push(`Per example seen: after ${int(common)} examples the training loss is ${losses.map((x) => `${x.loss.toFixed(4)} at batch ${x.b}`).join(', ')}; batch ${best.b} has made the most progress per example${best.b === small[0]!.batchSize ? ', as the textbook says' : ', unlike the textbook, which expects the smallest batch to'}.`);
  }

  // why SGD is slow here: the cost of one update, against downhill's own CPU reference
  const cpuSgd = engineRuns(r, 'downhill-cpu').find((x) => x.batchSize === 1);
  if (sgd?.throughput && cpuSgd?.throughput) {
    const gpuUs = 1e6 / sgd.throughput.updatesPerSecond.median;
    const cpuUs = 1e6 / cpuSgd.throughput.updatesPerSecond.median;
    const fused = sgd.throughput.variant?.startsWith('fused') ?? false;
    if (gpuUs > cpuUs) {
      out.push(
        fused
          ? `SGD on this adapter costs ${int(gpuUs)} µs per update against ${int(cpuUs)} µs for the plain CPU reference, even with whole steps fused into one dispatch: one example per step leaves a single workgroup doing serial work, on a software adapter that runs it on one CPU core.`
          : `SGD on this adapter costs ${int(gpuUs)} µs per update against ${int(cpuUs)} µs for the plain CPU reference: with one example per step the four dispatches' fixed cost, not arithmetic, sets the speed.`,
      );
    } else {
      out.push(`SGD costs ${int(gpuUs)} µs per update on WebGPU${fused ? ' (fused steps)' : ''} against ${int(cpuUs)} µs on the CPU reference.`);
    }
  }

  const knee = throughputKnee(main.filter((x) => x.throughput).map((x) => ({ batchSize: x.batchSize, samplesPerSecond: medianSamplesPerSecond(x)! })));
  if (knee) {
    out.push(`Throughput knee: samples/s reach 80% of the best measured (${int(knee.best)}) at batch ${batchName(knee.batchSize, n)} (${int(knee.samplesPerSecond)}); larger batches buy little more speed per sample, only fewer updates.`);
  }

  const [first, second] = firstToTargetLoss(main);
  if (first && second && second.curve!.toTargetLoss!.before && first.curve!.toTargetLoss!.after.trainMs > second.curve!.toTargetLoss!.before.trainMs) {
    out.push(`First to the loss target in wall time: batch ${batchName(first.batchSize, n)} (${secs(first.curve!.toTargetLoss!.trainMs)}) and batch ${batchName(second.batchSize, n)} (${secs(second.curve!.toTargetLoss!.trainMs)}) are within the resolution of the recorded points (their bracketing points overlap): a tie on this evidence.`);
  } else if (first) {
    out.push(`First to the loss target in wall time: batch ${batchName(first.batchSize, n)} (lr ${first.lr}), after ${secs(first.curve!.toTargetLoss!.trainMs)}${second ? `; next batch ${batchName(second.batchSize, n)} after ${secs(second.curve!.toTargetLoss!.trainMs)}` : ''}.`);
  }
  else if (main.some((x) => x.curve)) out.push(`No batch size reached loss ${targetLoss} within ${budget}.`);

  for (const peer of r.engines.map((e) => e.engine).filter((e) => e !== MAIN_ENGINE) as EngineName[]) {
    const ratios = main.map((x) => ({ b: x.batchSize, q: ratio(r, peer, x.batchSize) })).filter((x) => x.q !== undefined);
    if (ratios.length) {
      const lo = ratios.reduce((a, x) => (x.q! < a.q! ? x : a));
      const hi = ratios.reduce((a, x) => (x.q! > a.q! ? x : a));
      out.push(`Against ${peer}: downhill is ${times(lo.q)} (batch ${batchName(lo.b, n)}) to ${times(hi.q)} (batch ${batchName(hi.b, n)}) its samples/s.`);
    }
  }
  return out;
}
