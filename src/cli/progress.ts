/**
 * Training progress: on a terminal one live line rewritten in place; otherwise (a pipe, a CI
 * log) a plain line at each recording of the training loss.
 */
import type { HistoryPoint, Progress } from '../train/trainer';
import { count, percent } from './format';

export function progressPrinter(stream: NodeJS.WriteStream, metric: 'train acc' | 'R²' = 'train acc'): { update: (p: Progress, recorded?: HistoryPoint) => void; done: () => void } {
  const live = stream.isTTY === true;
  let shown = false;
  const line = (p: Progress, recorded?: HistoryPoint) => {
    const speed = p.trainMs > 0 ? `${count(p.samples / (p.trainMs / 1000))} samples/s` : '';
    const accuracy = !recorded ? '' : metric === 'R²' ? `  R² ${recorded.accuracy.toFixed(4)}` : `  train acc ${percent(recorded.accuracy)}`;
    const batches = recorded?.batchLoss !== undefined ? `  batch loss ${recorded.batchLoss.toFixed(4)}` : '';
    return `epoch ${p.epoch}/${p.epochs}  step ${p.step}/${p.stepsPerEpoch}  loss ${p.loss.toFixed(4)}${accuracy}${batches}  ${speed}`;
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
