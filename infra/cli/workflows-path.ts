import path from 'node:path';
import { repoRoot } from '../platform/config/read-config';

/** The module the worker bundles: what "the current workflow code" is. */
export const defaultWorkflowsPath = path.join(repoRoot, 'workflows', 'index.ts');
