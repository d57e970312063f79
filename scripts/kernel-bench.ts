/**
 * The kernel microbenchmark alone (src/measure/kernels.ts, as `npm run bench` runs it for
 * downhill-webgpu), printed as a markdown table: each kernel's µs per dispatch, GFLOP/s and its
 * fraction of the multiply-add ceiling measured in the same run.
 * Usage: npx tsx scripts/kernel-bench.ts [rows,rows,..]   (default 100,1000,60000)
 */
import { openNodeDevice } from '../src/device/open-node';
import { benchKernels } from '../src/measure/kernels';

const rows = process.argv[2]?.split(',').map(Number);
const { gpu } = await openNodeDevice('auto');
try {
  const bench = await benchKernels(gpu, (line) => process.stderr.write(`  ${line}\n`), rows);
  console.log(`copy ceiling ${bench.copyCeilingGBps.toFixed(2)} GB/s; multiply-add ceiling ${bench.fmaCeilingGflops!.toFixed(2)} GFLOP/s\n`);
  console.log('| kernel | rows | µs per dispatch (min–max) | GFLOP/s | of the multiply-add ceiling |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const k of bench.results) {
    console.log(`| ${k.kernel} | ${k.rows} | ${k.microsecondsPerDispatch.toFixed(0)} (${k.microsecondsRange[0].toFixed(0)}–${k.microsecondsRange[1].toFixed(0)}) | ${k.gflopsPerSecond.toFixed(2)} | ${(100 * k.flopFraction!).toFixed(1)}% |`);
  }
} finally {
  await gpu.destroy();
}
