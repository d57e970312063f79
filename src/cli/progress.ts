/**
 * Training progress: on a terminal one live line rewritten in place; otherwise (a pipe, a CI
 * log) a plain line at each recording of the training loss.
 */
import type { HistoryPoint, Progress } from '../train/trainer';
import { count, fixed4, percent, rSquared } from './format';

export function progressPrinter(stream: NodeJS.WriteStream, metric: 'train acc' | 'R²' = 'train acc'): { update: (p: Progress, recorded?: HistoryPoint) => void; done: () => void } {
  const live = stream.isTTY === true;
  let shown = false;
  const line = (p: Progress, recorded?: HistoryPoint) => {
    const speed = p.trainMs > 0 ? `${count(p.samples / (p.trainMs / 1000))} samples/s` : '';
    const accuracy = !recorded ? '' : metric === 'R²' ? `  R² ${rSquared(recorded.accuracy)}` : `  train acc ${percent(recorded.accuracy)}`;
    const batches = recorded?.batchLoss !== undefined ? `  batch loss ${fixed4(recorded.batchLoss)}` : '';
    return `epoch ${p.epoch}/${p.epochs}  step ${p.step}/${p.stepsPerEpoch}  loss ${fixed4(p.loss)}${accuracy}${batches}  ${speed}`;
  };
  return {
    update(p, recorded) {
      if (live) {
        stream.write(`\r\x1b[2K${line(p, recorded)}`);
        shown = true;
      } else if (recorded) {
        stream.write(`${line(p, recorded)}\n`);
      }
    },
    done() {
      if (live && shown) stream.write('\n');
    },
  };
}
