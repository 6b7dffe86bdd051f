/**
 * Bundles the workflow code the way the worker does, so a workflow that imports
 * something it cannot (a Node built-in, an activity implementation) fails the build.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { repoRoot } from './platform/config/read-config';
import { workflowsPath } from '../workers/create-worker';

const started = Date.now();
const { code } = await bundleWorkflowCode({
  workflowsPath,
  logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
});
const out = path.join(repoRoot, '.cache', 'workflow-bundle.js');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, code);
console.log(
  `workflow bundle ok: ${(code.length / 1024).toFixed(0)} KiB in ${Date.now() - started} ms (${path.relative(repoRoot, out)})`,
);
