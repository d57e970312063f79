// probe: what the main thread does while dawn-node waits for the GPU. node --import tsx scripts/gc-probe.ts
import { readFileSync, readdirSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { loadMnist } from '../src/api/load-node';
import { openEngine } from '../src/api/open-node';

let gcs = 0;
let gcMs = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) { gcs++; gcMs += e.duration; } }).observe({ entryTypes: ['gc'] });
/** CPU seconds per thread name (utime + stime), from /proc. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const key = tid === String(process.pid) ? 'main' : name;
    out.set(key, (out.get(key) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
  }
  return out;
}
const data = loadMnist();
const { engine } = await openEngine(data, { backend: 'webgpu' });
await engine.setParams(0, new Float32Array(7852));
await engine.evaluate(0, 'train');
const before = threadCpu();
const t0 = performance.now();
for (let i = 0; i < 5; i++) await engine.evaluate(0, 'train');
const wall = (performance.now() - t0) / 1000;
const after = threadCpu();
console.log(`5 evaluations: ${wall.toFixed(2)} s, ${gcs} GCs, ${gcMs.toFixed(0)} ms in GC`);
for (const [k, v] of after) { const d = v - (before.get(k) ?? 0); if (d > 0.05) console.log(`  ${k}: ${d.toFixed(2)} CPU s (${((100 * d) / wall).toFixed(0)}% of a core)`); }
await engine.destroy();
