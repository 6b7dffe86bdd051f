/** Every workflow the worker runs; the worker bundles this file. */
export { bugfixWorkflow } from './bugfix';
export { selfTestWorkflow } from './self-test';
export { triageMemoryWorkflow } from './triage-memory';
export { reportDigestWorkflow } from './report-digest';
export { debtScanWorkflow } from './debt-scan';
