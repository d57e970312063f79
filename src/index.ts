/**
 * downhill as a library: the one way the CLI, the page and the benchmarks train.
 *
 *   import { loadMnist, openEngine, fit } from 'downhill';
 *   const data = loadMnist();
 *   const { engine } = await openEngine(data);             // WebGPU (SwiftShader without a GPU)
 *   try {
 *     const result = await fit(engine, data, { batchSize: 100, epochs: 5, signal, onProgress });
 *     console.log(result.test?.accuracy);
 *   } finally {
 *     await engine.destroy();
 *   }
 *
 * Errors are typed (UserError for bad input, TrainingStopped with the history so far, GpuFault for
 * the device); nothing below the CLI exits the process or reads its signals. In the browser, open
 * a device with openBrowserDevice() and build the engine with createEngine(data, gpu).
 */
export * from './library';
export { openEngine, type EngineOptions } from './api/open-node';
export { loadMnist, loadCsv, loadOrigin, TEST_FRACTION } from './api/load-node';
export { openNodeDevice } from './device/open-node';
