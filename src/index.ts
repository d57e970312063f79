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
export { fit, resolveConfig, abortReason, DEFAULT_SCHEDULE, type FitOptions, type FitResult } from './api/fit';
export { evaluate } from './api/evaluate';
export { createEngine, BACKEND_CHOICES, type BackendChoice } from './api/engine';
export { openEngine, type EngineOptions } from './api/open-node';
export { loadMnist, loadCsv, syntheticData, loadOrigin, TEST_FRACTION } from './api/load-node';
export {
  classificationData, regressionData, initialParams, dataChecksum, modelOf,
  type TrainingData, type ClassificationData, type RegressionTaskData, type DataOrigin,
} from './data/training-data';
export { DEFAULT_REGRESSION, regressionOptions, regressionFromRows } from './data/regression-data';
export { REGRESSION_LOSSES, type RegressionOptions, type RegressionObjective, type RegressionLoss } from './data/regression';
export { parametersOf, storedParams, weightsFile, weightsFormatOf, type WeightsFormat, type Parameters, type RegressionParameters, type ClassifierParameters } from './data/parameters';
export { openNodeDevice } from './device/open-node';
export type { Backend as Engine, Evaluation, Split } from './backend/backend';
export { MODELS, SOFTMAX_CLASSIFIER, LINEAR_REGRESSION, type Model, type Task } from './model';
export { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind } from './optim/optimizer';
export { SCHEDULE_KINDS, type Schedule } from './optim/schedule';
export { encodeWeights, encodeSafetensorsWeights, decodeWeights, readWeights, isWeightsFile, type StoredWeights } from './io/weights';
export { encodeSafetensors, decodeSafetensors, type Safetensors, type Tensor } from './io/safetensors';
export { encodeCheckpoint, decodeCheckpoint, type Checkpoint, type RunIdentity } from './io/checkpoint';
export { TrainingStopped, type HistoryPoint, type Progress } from './train/trainer';
export { UserError, GpuFault } from './errors';
