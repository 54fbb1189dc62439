// View models: series and tables derived from the model, free of any UI framework.
export { buildRunView, type RunView } from './run.ts';
export * from './format.ts';
export { DURATION, LATENCY } from './labels.ts';
