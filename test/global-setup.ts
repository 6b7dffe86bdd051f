import type { TestProject } from 'vitest/node';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { readConfig } from '../infra/platform/config/read-config';
import { ensureGit } from './support/ensure-git';
import { ensureSandboxPackages } from '../infra/sandbox/ensure-sandbox';
import { ensureTemporalCli } from '../infra/temporal/ensure-cli';
import { ensureTemporalServer } from '../infra/temporal/cluster/ensure-server';
import { ensurePostgres } from '../infra/temporal/cluster/postgres';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/domain/search-attributes';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../workers/create-worker';
import { quietLogger } from './support/quiet-logger';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the real Temporal dev server shared by every test file; empty when TEST_NO_TEMPORAL is set. */
    temporalAddress: string;
    /** The workflow bundle, built once so each test file's worker starts in milliseconds. */
    workflowBundleCode: string;
  }
}

/** Starts one real Temporal dev server (the project's pinned CLI) for the whole run. */
export default async function setup(project: TestProject) {
  // Lets unit tests of a single module run without a server: `TEST_NO_TEMPORAL=1 npx vitest run test/activities/...`
  await ensureGit();
  await ensureSandboxPackages();
  if (process.env.TEST_NO_TEMPORAL) {
    project.provide('temporalAddress', '');
    project.provide('workflowBundleCode', '');
    return;
  }
  const config = readConfig({ ...process.env, TEMPORAL_ADDRESS: undefined });
  // The cluster suite's server and PostgreSQL are provisioned here, once, not inside a test's timeout.
  const [cli] = await Promise.all([
    ensureTemporalCli({
      version: config.devServer.cliVersion,
      ...(config.devServer.cliPath ? { cliPath: config.devServer.cliPath } : {}),
    }),
    ensureTemporalServer(),
    ensurePostgres(),
  ]);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--log-level', 'error'],
    },
  });
  project.provide('temporalAddress', env.address);
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  project.provide('workflowBundleCode', code);
  return async () => {
    await env.teardown();
  };
}
