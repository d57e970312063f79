/**
 * Opens the engines the benchmark compares (named in src/measure/results.ts), each in its own
 * process: downhill on WebGPU, downhill's CPU reference, and TensorFlow.js on its webgpu (same
 * Dawn adapter), wasm and cpu backends. PyTorch runs in Python instead: bench/peers/pytorch.ts.
 */
import { createEngine } from '../../src/api/engine';
import type { Backend } from '../../src/backend/backend';
import type { ClassificationData } from '../../src/data/training-data';
import type { AdapterReport } from '../../src/device/adapter-info';
import { type AdapterChoice, acquireNodeAdapter } from '../../src/device/adapter-node';
import { openNodeDevice } from '../../src/device/open-node';
import type { EngineName } from '../../src/measure/results';

const CPU: AdapterReport = { vendor: 'cpu', architecture: '', device: '', description: 'JavaScript on the CPU', software: true, runtime: 'cpu' };

/** TensorFlow.js is a development dependency: loaded only for its engines (the installed package may not have it). */
const tfjs = () => import('./tfjs').then((m) => m.TfjsBackend);

export async function openEngine(name: EngineName, adapter: AdapterChoice, training: ClassificationData): Promise<Backend> {
  const data = { train: training.train, ...(training.test ? { test: training.test } : {}) };
  switch (name) {
    case 'downhill-webgpu': {
      const { gpu } = await openNodeDevice(adapter);
      // the comparison wants each batch size at its fastest: measure the variants (tune)
      return createEngine(training, gpu, { stepVariant: 'tune' });
    }
    case 'downhill-cpu':
      return createEngine(training, 'cpu');
    case 'tfjs-webgpu': {
      const found = await acquireNodeAdapter(adapter);
      return (await tfjs()).create('webgpu', data, found.report, found.gpu);
    }
    case 'tfjs-wasm':
      return (await tfjs()).create('wasm', data, { ...CPU, description: 'TensorFlow.js wasm backend' });
    case 'tfjs-cpu':
      return (await tfjs()).create('cpu', data, { ...CPU, description: 'TensorFlow.js cpu backend' });
    case 'pytorch-cpu':
      throw new Error('pytorch-cpu runs in a Python process of its own (bench/peers/pytorch.ts), not behind the Backend contract');
  }
}
