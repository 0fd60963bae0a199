/**
 * Subscription churn: feature encoding, L2 logistic regression, stratified cross-validated
 * ROC-AUC, and scoring of new customers with the stored model.
 */
export { type AucResult, rocAuc } from './auc.ts';
export {
  type ChurnModelBuild,
  type CrossValidation,
  type CrossValidationOptions,
  type FoldResult,
  buildChurnModel,
  crossValidateChurn,
  stratifiedFolds,
} from './cross-validate.ts';
export {
  type ColumnKind,
  type ColumnSpec,
  type DesignMatrix,
  type EncodedColumn,
  type EncoderOptions,
  type FeatureEncoder,
  type FeatureSpec,
  type Row,
  applyEncoder,
  encodeFeatures,
  fitEncoder,
} from './features.ts';
export { type LogisticFit, type LogisticOptions, fitLogistic, predictLogistic } from './logistic.ts';
export { type ChurnLabel, type ChurnModel, type ChurnTrainingOptions, type TrainResult, scoreChurn, trainChurnModel } from './model.ts';
