/**
 * Every documented command runs: each script in package.json and each command the README shows
 * (in its code blocks and its inline code) has a case below, run as a real process at the
 * smallest settings (a 1,000-image MNIST subset, one epoch, budgets of a fraction of a second),
 * checked for exit 0 and one meaningful line of its output. A command that another test file
 * already runs in full is recorded with that file and a string the file must contain; what only
 * CI runs (`npm ci`, `npm test` itself) names .ci/run. The first tests enumerate package.json and
 * the README themselves and fail when a script or a README command has no case (or a case names
 * one that no longer exists), so a newly documented command cannot go untested.
 *
 * Scripts run as `npm run` runs them: the script's text through sh, with the arguments after it
 * and node_modules/.bin on PATH (without npm's own second of start-up per command). A README
 * command runs with its own arguments, a value the smallest settings need replaced in place (an
 * option given twice is refused) and its placeholders (PATH, W, FILE, houses.csv) replaced by real files.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { IDX_FILES } from '../../src/data/load';
import { withoutLoaderNotice } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { expectWellFormedTables } from '../helpers/markdown';
import { mnist } from '../helpers/mnist';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const scripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

/** A command as the README shows it: `$ ` prompts and trailing `# comments` dropped, one per `&&`. */
function commandsOfLine(line: string): string[] {
  return line.replace(/^\$ /, '').replace(/\s+#.*$/, '').split('&&').map((c) => c.trim()).filter((c) => c !== '');
}

/** npm, npx, bash or python at the start, or a Python script with its arguments */
const COMMAND = /^(npm|npx|bash|python3?) |^[\w./-]+\.py /;

/** Every command the README shows: lines of its code blocks, and inline code, that start with a command. */
function readmeCommands(text: string): string[] {
  const found: string[] = [];
  for (const block of text.matchAll(/```\w*\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) if (COMMAND.test(line.replace(/^\$ /, '').trim())) found.push(...commandsOfLine(line.trim()));
  }
  for (const span of text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)) if (COMMAND.test(span[1]!)) found.push(...commandsOfLine(span[1]!));
  return [...new Set(found)];
}

/** What a case runs, once the fixtures exist: a script with arguments, or a program. */
type Invocation = { script: string; args: string[] } | { program: string; args: string[] };

interface RunCase {
  /** the README commands this case runs (as the README shows them) */
  readme: string[];
  /** the package.json scripts it runs */
  scripts: string[];
  run: () => Invocation;
  /** one meaningful thing its standard output (and error) says */
  expect: RegExp;
  /** runs only where this holds; the reason is the test's name otherwise */
  onlyIf?: { holds: () => boolean; otherwise: string };
}

interface ServerCase {
  readme: string[];
  scripts: string[];
  /** the script's arguments beside the port */
  args: () => string[];
  /** a page it must serve */
  page: string;
  before?: string;
}

interface ElsewhereCase {
  readme: string[];
  scripts: string[];
  /** the test file (or CI script) that runs it, and a string that file must contain to do so */
  by: string;
  evidence: string;
  why: string;
}

let work = '';
let subset = '';
const at = (name: string) => join(work, name);

/** Debian's python3 can import torch (and safetensors): the PyTorch commands' precondition. */
function pythonHas(modules: string): boolean {
  return spawnSync('/usr/bin/python3', ['-c', `import ${modules}`]).status === 0;
}

/** In order: later cases read what earlier ones wrote (a checkpoint, weights, a results file, the build). */
const RUNS: Record<string, RunCase> = {
  'system packages present': {
    readme: ['bash .ci/system-packages'], scripts: [],
    run: () => ({ program: 'bash', args: ['.ci/system-packages'] }), expect: /system packages: libvulkan1 and chromium \(SwiftShader\) present/,
  },
  'train: Nesterov momentum': {
    readme: ['npm run train -- --optimizer nesterov --momentum 0.9 --batch-size 100'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--optimizer', 'nesterov', '--momentum', '0.9', '--batch-size', '100', '--data', subset, '--epochs', '1'] }),
    expect: /optimizer: nesterov \(μ 0\.9\)[\s\S]*test: accuracy \d/,
  },
  'train: Adam with a cosine schedule and warm-up': {
    readme: ['npm run train -- --optimizer adam --lr 0.003 --schedule cosine --warmup 100'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--optimizer', 'adam', '--lr', '0.003', '--schedule', 'cosine', '--warmup', '100', '--data', subset, '--epochs', '1', '--batch-size', '8'] }),
    expect: /schedule: cosine, 100 updates of warm-up/,
  },
  'train: step decay': {
    readme: ['npm run train -- --schedule step --decay-every 2 --decay-factor 0.5'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--schedule', 'step', '--decay-every', '2', '--decay-factor', '0.5', '--data', subset, '--epochs', '3'] }),
    expect: /schedule: step \(x0\.5 every 2 epochs\)/,
  },
  'train: regression on a CSV file, saved': {
    readme: ['npm run train -- --task regression --csv houses.csv --target price --batch-size full --lr 0.3 --epochs 200'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--task', 'regression', '--csv', at('houses.csv'), '--target', 'price', '--batch-size', 'full', '--lr', '0.3', '--epochs', '200', '--save', at('houses.weights')] }),
    expect: /parameters: price = [\d.]+·size/,
  },
  'train: regression on synthetic rows': {
    readme: ['npm run train -- --task regression --synthetic 60000,100 --noise 0.5 --batch-size 100 --lr 0.05'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--task', 'regression', '--synthetic', '1000,4', '--noise', '0.5', '--batch-size', '100', '--lr', '0.05', '--epochs', '1'] }),
    expect: /test: R² 0\.\d+/,
  },
  'train: a sweep with --json': {
    readme: ['npm run train -- --sweep --lrs 0.05,0.5 --batch-sizes 100,1000 --optimizers sgd,nesterov --epochs 1 --json sweep.json'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--sweep', '--lrs', '0.05,0.5', '--batch-sizes', '100,1000', '--optimizers', 'sgd,nesterov', '--epochs', '1', '--json', at('sweep.json'), '--data', subset] }),
    expect: /best: batch \d+, (sgd|nesterov), lr/,
  },
  'train: a batch size, with a checkpoint and saved weights': {
    readme: ['npm run train -- --batch-size B …'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--batch-size', '10', '--data', subset, '--epochs', '1', '--checkpoint', at('run.ckpt'), '--save', at('mnist.weights')] }),
    expect: /training: batch 10 \(100 updates per epoch\)/,
  },
  'train: resumed from that checkpoint': {
    readme: ['npm run train -- --resume PATH'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--resume', at('run.ckpt'), '--epochs', '2'] }),
    expect: /resuming from .*run\.ckpt: update 100/,
  },
  'train: its options': {
    readme: ['npm run train -- [options]'], scripts: ['train'],
    run: () => ({ script: 'train', args: ['--help'] }), expect: /^usage: .*train/,
  },
  'evaluate: saved weights': {
    readme: ['npm run evaluate -- --load PATH [--data DIR] [--backend B] [--adapter A]'], scripts: ['evaluate'],
    run: () => ({ script: 'evaluate', args: ['--load', at('mnist.weights'), '--data', subset, '--backend', 'webgpu', '--adapter', 'auto'] }),
    expect: /test: accuracy \d+\.\d+%/,
  },
  'predict: classes of images': {
    readme: ['npm run predict', 'npm run predict -- --load W --images FILE'], scripts: ['predict'],
    run: () => ({ script: 'predict', args: ['--load', at('mnist.weights'), '--images', join(subset, IDX_FILES.test.images), '--first', '2'] }),
    expect: /image 1: class \d \(p [\d.]+\)/,
  },
  'predict: a regression at x': {
    readme: ['npm run predict -- --load W --x 10'], scripts: ['predict'],
    run: () => ({ script: 'predict', args: ['--load', at('houses.weights'), '--x', '10'] }), expect: /size = 10: price = [\d.]+/,
  },
  // the kernels timed alone are left out (--kernel-rows none): over a minute here even at 100 rows (the
  // copy and multiply-add ceilings, 18 kernels); no test runs that part of the benchmark
  'bench: the batch-size comparison, smallest': {
    readme: ['npm run bench'], scripts: ['bench'],
    run: () => ({ script: 'bench', args: ['--data', subset, '--engines', 'downhill-webgpu,downhill-cpu', '--batch-sizes', '10', '--reps', '3', '--budget-ms', '200', '--kernel-rows', 'none', '--out', at('results')] }),
    expect: /bench: wrote .*results\/google-swiftshader-\d{4}-\d\d-\d\d-downhill-webgpu-downhill-cpu\.json/,
  },
  'bench:report: that results file re-rendered': {
    readme: ['npm run bench:report -- bench/results/NAME.json'], scripts: ['bench:report'],
    run: () => ({ script: 'bench:report', args: [join(at('results'), readdirSync(at('results')).find((f) => f.endsWith('.json'))!)] }),
    expect: /wrote .*\.md/,
  },
  'bench:optimizers': {
    readme: ['npm run bench:optimizers', 'npm run bench:optimizers -- --batch-size 100'], scripts: ['bench:optimizers'],
    run: () => ({ script: 'bench:optimizers', args: ['--batch-size', '100', '--data', subset, '--budget-ms', '100', '--out', at('results')] }),
    expect: /bench:optimizers: wrote .*-optimizers\.\{json,md\}/,
  },
  'bench:regression': {
    readme: ['npm run bench:regression'], scripts: ['bench:regression'],
    run: () => ({ script: 'bench:regression', args: ['--rows', '500', '--features', '4', '--budget-ms', '100', '--out', at('results')] }),
    expect: /bench:regression: wrote .*-regression\.\{json,md\}/,
  },
  'bench:sweep': {
    readme: ['npm run bench:sweep'], scripts: ['bench:sweep'],
    run: () => ({ script: 'bench:sweep', args: ['--data', subset, '--examples', '200', '--batch-sizes', '10', '--lrs', '0.1', '--optimizers', 'sgd', '--out', at('results')] }),
    expect: /\| 10 \| 1 \| [\d.]+ (ms|s) \|/,
  },
  'bench:defaults': {
    readme: ['npm run bench:defaults'], scripts: ['bench:defaults'],
    run: () => ({ script: 'bench:defaults', args: ['--data', subset, '--only', 'mnist', '--epochs', '1', '--grid', '0.1', '--out', at('results')] }),
    expect: /\| mnist \| 1,000 \|/,
  },
  'build: the page': {
    readme: ['npm run build'], scripts: ['build'],
    // the MNIST files are copied beside the page, which fetches them from its own origin
    run: () => ({ script: 'build', args: ['--outDir', at('dist')] }), expect: /dist\/mnist\/train-images-idx3-ubyte[\s\S]*built in/,
  },
  'wgsl:repetition': {
    readme: [], scripts: ['wgsl:repetition'],
    run: () => ({ script: 'wgsl:repetition', args: [] }), expect: /total +\d+ +\d+ +\d+%/,
  },
  'the PyTorch peer installed': {
    readme: ['bash scripts/install-pytorch.sh'], scripts: [],
    run: () => ({ program: 'bash', args: ['scripts/install-pytorch.sh'] }), expect: /pytorch peer: python3-torch and libopenblas0-pthread present/,
    onlyIf: { holds: () => pythonHas('torch'), otherwise: 'installs Debian packages (root, network) where PyTorch is missing, as here; where it is present it only checks, and runs' },
  },
  'saved weights loaded in PyTorch': {
    readme: ['examples/load-in-pytorch.py model.safetensors'], scripts: ['train'],
    run: () => ({ program: 'sh', args: ['-c', `${scripts.train} --data ${subset} --epochs 1 --save ${at('model.safetensors')} >/dev/null 2>&1 && /usr/bin/python3 examples/load-in-pytorch.py ${at('model.safetensors')}`] }),
    expect: /accuracy/,
    onlyIf: { holds: () => pythonHas('torch, safetensors'), otherwise: 'needs PyTorch and safetensors, which are not test dependencies and are not installed here' },
  },
  'bench:readme: the README\'s tables as the committed results render them': {
    readme: ['npm run bench:readme'], scripts: ['bench:readme'],
    run: () => {
      writeFileSync(at('README.md'), readme);
      return { script: 'bench:readme', args: ['--readme', at('README.md')] };
    },
    expect: /README\.md unchanged/,
  },
  'bench:variants: µs per step of each step variant': {
    readme: [], scripts: ['bench:variants'],
    run: () => ({ script: 'bench:variants', args: ['--data', subset, '--batch-sizes', '10', '--rounds', '3', '--out', at('variants.json')] }),
    expect: /four-kernels/,
  },
  'test:quick: the edit loop selects its files': {
    // the quick suite's files all run in `npm test` (CI); here its selection itself is run (the
    // folders and the name filter, as the script gives them), listing the files without running them
    readme: ['npm run test:quick'], scripts: ['test:quick'],
    run: () => ({ program: 'sh', args: ['-c', scripts['test:quick']!.replace(/^vitest run /, 'vitest list --filesOnly ')] }),
    expect: /^(?=[\s\S]*test\/kernels\/[\w-]+\.test\.ts)(?=[\s\S]*test\/api\/[\w-]+\.test\.ts)/,
  },
};

const SERVERS: Record<string, ServerCase> = {
  'dev: the page served while developing': { readme: ['npm run dev'], scripts: ['dev'], args: () => [], page: '/' },
  'preview: the built page served': { readme: ['npm run preview'], scripts: ['preview'], args: () => ['--outDir', at('dist')], page: '/', before: 'build: the page' },
};

const examples = ['four-points', 'no-intercept', 'noisy-line', 'mnist-tutorial', 'batch-size-comparison'];
const ELSEWHERE: Record<string, ElsewhereCase> = {
  ...Object.fromEntries(examples.map((name) => [`examples/${name}.sh`, {
    readme: [`bash examples/${name}.sh`], scripts: [], by: `test/examples/${name}.test.ts`, evidence: `runExample('${name}'`, why: 'run whole and checked against a float64 loop of its update rule',
  }])),
  'the default command': {
    readme: ['npm run train'], scripts: ['train'], by: 'examples/mnist-tutorial.sh', evidence: 'npx tsx src/cli/train.ts --quiet --json',
    why: 'the default run on all of MNIST takes half a minute here; examples/mnist-tutorial.sh runs it (test/examples/mnist-tutorial.test.ts) and checks its 92%',
  },
  'the package': {
    readme: ['npm pack', 'npm install /path/to/downhill-0.1.0.tgz', 'npx downhill train --epochs 1', 'npx downhill train|evaluate|bench'], scripts: ['prepack'],
    by: 'test/package/package.test.ts', evidence: "sh('npm', ['pack'", why: 'packs (prepack builds the package), installs the tarball offline in a fresh project, runs npx downhill train --epochs 1, evaluate, predict and bench there',
  },
  'npm ci': { readme: ['npm ci'], scripts: [], by: '.ci/run', evidence: 'npm ci ', why: 'CI installs with it; run here it would replace the node_modules this test runs from' },
  'npm test': { readme: ['npm test'], scripts: ['test'], by: '.ci/run', evidence: 'npm test ', why: 'the suite this file is part of: CI runs it' },
};

/** Scripts that are the same command as another script (or its first step), so running one runs both. */
const SAME_COMMAND: Record<string, { as: string; check: () => boolean }> = {
  'build:package': { as: 'prepack', check: () => scripts['build:package'] === scripts.prepack },
  typecheck: { as: 'test', check: () => scripts.test!.startsWith(`${scripts.typecheck} && `) },
};

describe('every documented command has a case', () => {
  const cases = [...Object.values(RUNS), ...Object.values(SERVERS), ...Object.values(ELSEWHERE)];
  test('every README command', () => {
    const covered = new Set(cases.flatMap((c) => c.readme));
    const shown = readmeCommands(readme);
    expect(shown.length).toBeGreaterThan(20);
    expect(shown.filter((c) => !covered.has(c)), 'README commands without a case').toEqual([]);
    expect([...covered].filter((c) => !shown.includes(c)), 'cases for commands the README no longer shows').toEqual([]);
  });
  test('every package.json script', () => {
    const covered = new Set([...cases.flatMap((c) => c.scripts), ...Object.keys(SAME_COMMAND)]);
    expect(Object.keys(scripts).filter((s) => !covered.has(s)), 'scripts without a case').toEqual([]);
    expect([...covered].filter((s) => !(s in scripts)), 'cases for scripts package.json no longer has').toEqual([]);
    for (const [name, same] of Object.entries(SAME_COMMAND)) expect(same.check(), `${name} runs what ${same.as} runs`).toBe(true);
  });
  test.each(Object.entries(ELSEWHERE))('%s: run by the file that covers it', (_name, c) => {
    expect(readFileSync(join(repo, c.by), 'utf8')).toContain(c.evidence);
  });
});

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'downhill-documented-'));
  subset = writeIdxFolder(head(mnist().train, 1000), head(mnist().test, 100));
  // a house price per square metre, and 40 houses: regression's CSV as a user writes it
  const rows = Array.from({ length: 40 }, (_, i) => `${50 + 5 * i},${(3 * (50 + 5 * i) + 20 + ((i * 7) % 5)).toFixed(1)}`);
  writeFileSync(at('houses.csv'), ['size,price', ...rows, ''].join('\n'));
});

function spawnInvocation(inv: Invocation): { status: number | null; output: string } {
  const [program, args] = 'script' in inv ? ['sh', ['-c', `${scripts[inv.script]} "$@"`, inv.script, ...inv.args]] : [inv.program, inv.args];
  const r = spawnSync(program, args, { cwd: repo, encoding: 'utf8', timeout: 300_000, env: { ...process.env, PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}` } });
  return { status: r.status, output: `${r.stdout}\n${withoutLoaderNotice(r.stderr)}` };
}

describe('each command run, smallest settings', () => {
  for (const [name, c] of Object.entries(RUNS)) {
    const skip = c.onlyIf && !c.onlyIf.holds();
    test.skipIf(skip)(skip ? `${name}: not run: ${c.onlyIf!.otherwise}` : name, () => {
      const r = spawnInvocation(c.run());
      expect(r.status, r.output).toBe(0);
      expect(r.output).toMatch(c.expect);
    });
  }
});

test('every markdown report the benchmarks wrote above has well-formed tables', () => {
  const reports = readdirSync(at('results')).filter((f) => f.endsWith('.md'));
  // bench (re-rendered by bench:report), bench:optimizers, bench:regression, bench:sweep, bench:defaults
  expect(reports).toHaveLength(5);
  for (const f of reports) expect(expectWellFormedTables(readFileSync(join(at('results'), f), 'utf8')), f).toBeGreaterThan(0);
});

/** Starts a server script on a free port, fetches its page, stops it (its whole process group). */
async function servePage(script: string, args: string[], page: string, port: number): Promise<{ status: number; body: string }> {
  const child: ChildProcess = spawn('sh', ['-c', `${scripts[script]} "$@"`, script, ...args, '--port', `${port}`, '--strictPort'], {
    cwd: repo, detached: true, stdio: 'ignore', env: { ...process.env, PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  try {
    for (let tries = 0; tries < 300; tries++) {
      try {
        const res = await fetch(`http://localhost:${port}${page}`);
        return { status: res.status, body: await res.text() };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`${script} did not serve http://localhost:${port}${page} within 30 s`);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
}

describe('each server started, its page fetched, stopped', () => {
  for (const [i, [name, c]] of Object.entries(SERVERS).entries()) {
    test(name, async () => {
      if (c.before) expect(existsSync(at('dist/index.html')), `${c.before} runs first`).toBe(true);
      const r = await servePage(c.scripts[0]!, c.args(), c.page, 20000 + (process.pid % 20000) + i);
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/<title>[^<]*downhill/i);
    });
  }
});
