/**
 * The `.gan.json` language: pure TypeScript (no vscode, no tfjs), shared by the CLI, the
 * extension, the trainer and the tests.
 */
export * from './types';
export { analyzeText, Analysis } from './analyze';
export { Problem, Severity, PROBLEM_CODES, ProblemCode, hasErrors, JsonPath } from './problems';
export { NetworkInfo, LayerInfo, NetworkRole, NetworkInputInfo } from './network';
export { LineIndex, Position } from './text';
export { GAN_SCHEMA, LAYER_DOCS, LAYER_TYPES } from './schema';
export { formatShape, layerSummary } from './layers';
