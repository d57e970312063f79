/**
 * The library's error types, as the README names them: UserError (bad input), GpuFault (the GPU
 * failed) and TrainingStopped (a run ended early) are distinct, so that a caller's
 * `e instanceof UserError` means bad input only; all three are ReportedErrors, which the CLI
 * prints as one line with their exit code.
 */
import { expect, test } from 'vitest';
import { GpuFault, ReportedError, TrainingStopped, UserError } from '../../src/library';

test('bad input, a GPU fault and a stopped run are told apart; each is reported with its exit code', () => {
  const errors = [new UserError('bad'), new GpuFault('lost'), new TrainingStopped('interrupted', 'stopped', [], 3, 130)];
  expect(errors.map((e) => e instanceof ReportedError)).toEqual([true, true, true]);
  expect(errors.map((e) => e instanceof UserError)).toEqual([true, false, false]);
  expect(errors.map((e) => e instanceof GpuFault)).toEqual([false, true, false]);
  expect(errors.map((e) => e instanceof TrainingStopped)).toEqual([false, false, true]);
  expect(errors.map((e) => [e.name, e.exitCode])).toEqual([['UserError', 2], ['GpuFault', 4], ['TrainingStopped', 130]]);
});
