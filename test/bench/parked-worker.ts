/**
 * The worker of the parked-runs benchmark, in a process of its own so its memory is measured
 * apart from the benchmark's: `npm run worker` as it runs in production (createWorker, the
 * configuration from the environment), on a workflow bundle built once (PARKED_WORKFLOW_BUNDLE).
 * With PARKED_SCRIPTED_FIX=1 the Claude Code session is replaced by an activity that answers
 * at once with the sample repository's fix, so the rest of the pipeline is what is measured.
 * Tells its parent `ready` over IPC once it polls.
 */
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { readConfig } from '../../infra/platform/config/read-config';
import { createClient } from '../../infra/platform/temporal-connection';
import { createWorker } from '../../workers/create-worker';
import { installObservedRuntime } from '../../infra/platform/observability/runtime';
import type { PipelineActivities } from '../../activities';
import { BUGGY_FILE, BUGGY_LINE, FIXED_LINE, FIX_EXPLANATION } from '../fakes/scripted-fix';

const config = readConfig();
installObservedRuntime({ shutdownSignals: ['SIGINT', 'SIGTERM'], coreLogLevel: 'ERROR' });
const client = await createClient(config.temporal);
const codePath = process.env.PARKED_WORKFLOW_BUNDLE;
const workRoot = process.env.PARKED_WORK_ROOT;

/** What the scripted model's session produces on the sample repository, as a git-style diff. */
function scriptedDiff(): string {
  const before = readFileSync(new URL(`../fixtures/sample-repo/${BUGGY_FILE}`, import.meta.url), 'utf8');
  const after = before.replace(BUGGY_LINE, FIXED_LINE);
  const patch = createTwoFilesPatch(`a/${BUGGY_FILE}`, `b/${BUGGY_FILE}`, before, after, '', '', { context: 3 });
  return `diff --git a/${BUGGY_FILE} b/${BUGGY_FILE}\n${patch.replace(/^=+\n/m, '').replace(/^Index: .*\n/m, '')}`;
}

const replaceActivities: Partial<PipelineActivities> = {};
if (process.env.PARKED_SCRIPTED_FIX === '1') {
  const diff = scriptedDiff();
  replaceActivities.proposeFix = async (input) => ({
    explanation: FIX_EXPLANATION,
    diff,
    filesTouched: [BUGGY_FILE],
    turns: 3,
    costUsd: 0.001,
    sessionId: `scripted-${input.runKey}`,
    baseCommit: input.baseCommit,
  });
}

const { worker, connection } = await createWorker({
  config,
  client,
  ...(codePath ? { workflowBundle: { codePath } } : {}),
  ...(workRoot ? { workRoot } : {}),
  replaceActivities,
});
const running = worker.run();
process.send?.('ready');
await running;
await connection.close();
await client.connection.close();
