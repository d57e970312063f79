/**
 * What the library offers in every environment (Node and the browser): training, evaluation,
 * data built from bytes or arrays, weights and checkpoints. The entries add how a device and
 * files are opened: src/index.ts (Node) and src/index-browser.ts.
 */
export { fit, resolveConfig, abortReason, DEFAULT_SCHEDULE, type FitOptions, type FitResult } from './api/fit';
export { evaluate } from './api/evaluate';
export { createEngine, BACKEND_CHOICES, type BackendChoice } from './api/engine';
export {
  classificationData, regressionData, initialParams, dataChecksum, modelOf,
  type TrainingData, type ClassificationData, type RegressionTaskData, type DataOrigin,
} from './data/training-data';
export { DEFAULT_REGRESSION, regressionOptions, regressionFromRows, syntheticData } from './data/regression-data';
export { REGRESSION_LOSSES, type RegressionOptions, type RegressionObjective, type RegressionLoss } from './data/regression';
export { parametersOf, storedParams, weightsFile, weightsFormatOf, type WeightsFormat, type Parameters, type RegressionParameters, type ClassifierParameters } from './data/parameters';
export type { Backend as Engine, Evaluation, Split } from './backend/backend';
export { MODELS, SOFTMAX_CLASSIFIER, LINEAR_REGRESSION, type Model, type Task } from './model';
export { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind } from './optim/optimizer';
export { SCHEDULE_KINDS, type Schedule } from './optim/schedule';
export { encodeWeights, encodeSafetensorsWeights, decodeWeights, readWeights, isWeightsFile, type StoredWeights } from './io/weights';
export { encodeSafetensors, decodeSafetensors, type Safetensors, type Tensor } from './io/safetensors';
export { encodeCheckpoint, decodeCheckpoint, type Checkpoint, type RunIdentity } from './io/checkpoint';
export { TrainingStopped, type HistoryPoint, type Progress } from './train/trainer';
export { ReportedError, UserError, GpuFault } from './errors';
export { IDX_FILES, datasetFromIdx } from './data/load';
export { parseIdx, type IdxArray } from './data/idx';
export type { Dataset } from './data/dataset';
export type { Gpu } from './device/gpu';
