/**
 * The optimiser's side of the CPU backends: the state arrays, the epoch's rate table, and one
 * update applied with the reference of the update kernel (src/reference/update.ts).
 */
import type { Step } from './backend';
import { type Optimizer, SGD, stateArrays } from '../optim/optimizer';
import { baseRates } from '../optim/rates';
import { updateRef } from '../reference/update';

const NO_STATE = new Float32Array(0);

export class CpuUpdate {
  private optimizer: Optimizer = SGD;
  private state: Float32Array[] = [];
  /** (lr, c1, c2, 0) per update of the epoch */
  private rates: Float32Array = new Float32Array(0);

  constructor(private readonly paddedCount: number) {}

  set(optimizer: Optimizer): void {
    this.optimizer = optimizer;
    this.state = stateArrays(optimizer.kind).map(() => new Float32Array(this.paddedCount));
  }

  setPlan(steps: readonly Step[]): void {
    this.rates = baseRates(steps);
  }

  setRates(rates: Float32Array): void {
    this.rates = rates.slice();
  }

  getState(): Float32Array[] {
    return this.state.map((a) => a.slice());
  }

  setState(arrays: readonly Float32Array[]): void {
    this.state = arrays.map((a) => a.slice());
  }

  /** Plan step s's update of `params` by `grads`, at its row of the rate table. */
  apply(s: number, params: Float32Array, grads: ArrayLike<number>): void {
    const [lr, c1, c2] = [this.rates[4 * s]!, this.rates[4 * s + 1]!, this.rates[4 * s + 2]!];
    updateRef(this.optimizer, params, this.state[0] ?? NO_STATE, this.state[1] ?? NO_STATE, grads, { lr, c1, c2 });
  }
}
