/** The terminal's numbers: losses and R² to 4 decimals, and in 4 significant digits once they blew up (a diverging rate). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fixed4 } from '../../src/cli/format';
import { runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

test('fixed4: 4 decimals, 4 significant digits from a million on', () => {
  expect([0.28123, 0.99991, -0.5, 999999.1234, 1e6, -9.7676943438273856e16].map(fixed4)).toEqual(['0.2812', '0.9999', '-0.5000', '999999.1234', '1.000e+6', '-9.768e+16']);
});

test('a regression at a rate that blows up prints its R² and losses shortly', () => {
  const r = runCli('train', ['--task', 'regression', '--synthetic', '200,2', '--backend', 'cpu', '--lr', '3', '--epochs', '20']);
  const lines = r.stdout.split('\n').filter((l) => /^(epoch 20\/20|train:|test:) /.test(l));
  expect(lines).toHaveLength(3);
  // no number printed with more than 6 digits before its decimal point
  for (const line of lines) expect(line).not.toMatch(/\d{7,}\./);
  expect(lines.join('\n')).toMatch(/R² -\d\.\d{3}e\+\d+/);
});

test('a classifier at a rate that blows up prints its test loss as its training loss, shortly (train and evaluate)', () => {
  const data = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));
  const weights = join(mkdtempSync(join(tmpdir(), 'downhill-format-')), 'w.bin');
  const r = runCli('train', ['--data', data, '--backend', 'cpu', '--epochs', '2', '--optimizer', 'adam', '--lr', '1e10', '--save', weights]);
  expect(r.code, r.stderr).toBe(0);
  const evaluated = runCli('evaluate', ['--load', weights, '--data', data, '--backend', 'cpu']);
  expect(evaluated.code, evaluated.stderr).toBe(0);
  const losses = [['train', r], ['test', r], ['test', evaluated]] as const;
  for (const [set, run] of losses) expect(new RegExp(`^${set}: .*loss ([^,\\s]+)`, 'm').exec(run.stdout)?.[1]).toMatch(/^\d\.\d{3}e\+\d+$/);
});

