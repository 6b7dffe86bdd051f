/**
 * `npm run demo`: one production error taken from a Datadog alert to a fix verified in
 * production, on this machine, narrated stage by stage. Temporal, the worker, the API and the
 * Claude Code CLI are real; Datadog, Slack, GitHub, the git host and the Anthropic API are
 * local fakes.
 *
 * By default everything keeps running afterwards so the run can be explored in the Temporal
 * Web UI, until Ctrl-C. With `--exit`, or without a terminal on stdin, it stops at once.
 */
import './quiet-logs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { ConfigError } from '../../infra/platform/config/load-config';
import { StageError, type DemoStage, type PipelineContext } from './context';
import { bold, cyan, Narrator, seconds } from './narrator';
import { pipelineStages } from './pipeline-stages';
import { proofStages } from './proof-stages';
import { peopleStages } from './people-stages';
import { beyondStages } from './beyond-stages';
import { setupStages, type DemoServices } from './setup-stages';
import { deleteSchedules } from './services';
import { reportPageUrl } from './report-stage';

const USAGE = `Usage: npm run demo [-- --exit]
  --exit   stop everything once the run is complete (default when stdin is not a terminal)`;

async function runStage<C>(narrator: Narrator, stage: DemoStage<C>, ctx: C): Promise<void> {
  const started = Date.now();
  try {
    const outcome = await stage.run(ctx);
    narrator.step(stage.name, outcome.summary, {
      tookMs: outcome.tookMs ?? Date.now() - started,
      details: outcome.details,
    });
  } catch (err) {
    throw new StageError(stage.name, err);
  }
}

/** Stops what was started, in order: the unfinished run, the schedules, API, worker, fakes, then the dev server if the demo started it. */
async function stopAll(s: DemoServices, ctx: PipelineContext | undefined): Promise<void> {
  const attempt = async (what: string, fn: () => Promise<unknown> | undefined) => {
    try {
      await fn();
    } catch (err) {
      console.error(`while stopping ${what}: ${(err as Error).message}`);
    }
  };
  const workflowId = ctx?.workflowId;
  if (workflowId && s.client) {
    await attempt('the run', async () => {
      const handle = s.client!.workflow.getHandle(workflowId);
      if ((await handle.describe()).status.name === 'RUNNING')
        await handle.terminate('the demo stopped before the run finished');
    });
  }
  if (s.client && s.config) await attempt('the schedules', () => deleteSchedules(s.client!, s.config!));
  await attempt('the API', () => s.api?.close());
  await attempt('the worker', () => s.worker?.stop());
  await attempt('the Temporal client', () => s.client?.connection.close());
  await attempt('the fakes', () => s.fakes?.close());
  await attempt('the Temporal dev server', () => s.temporal?.devServer?.stop());
  await attempt('the scratch directory', () => rm(s.workRoot, { recursive: true, force: true }));
}

function localTag(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((a) => a !== '--exit');
  if (unknown.length) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
    process.exit(2);
  }
  const exitWhenDone = args.includes('--exit') || !process.stdin.isTTY;

  // We own shutdown order; the SDK's info chatter would drown the narration.
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } },
  });

  const narrator = new Narrator();
  const services: DemoServices = { workRoot: await mkdtemp(path.join(os.tmpdir(), 'bugfix-demo-')), tag: localTag() };
  let ctx: PipelineContext | undefined;
  let finished = false;
  let stopping: Promise<void> | undefined;
  const shutdown = async (code: number): Promise<never> => {
    const started = Date.now();
    stopping ??= stopAll(services, ctx);
    await stopping;
    narrator.line(`Stopped (${seconds(Date.now() - started)}).`);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      const devServer = services.temporal?.devServer ? ', then the Temporal dev server' : '';
      narrator.line(`\n${signal}: stopping the API, the worker and the fakes${devServer}...`);
      void shutdown(finished ? 0 : 130).then(() => undefined);
    });
  }
  // Last resort if the process dies another way: the dev server runs in its own process group.
  process.once('exit', () => {
    const p = services.temporal?.devServer?.process;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
  });

  narrator.line(
    bold(
      'Bugfix pipeline demo: one production error, from a Datadog alert to a fix verified in production, on this machine.',
    ),
  );
  narrator.line(
    'Temporal, the worker, the API and the Claude Code CLI are real; Datadog, Slack, GitHub, the git host and the Anthropic API are local fakes.',
  );
  narrator.line();
  try {
    for (const stage of setupStages) await runStage(narrator, stage, services);
    services.temporal?.devServer?.process.once('exit', (code) => {
      if (stopping) return;
      narrator.fail('Temporal', `the dev server exited unexpectedly (code ${code})`);
      void shutdown(1);
    });
    narrator.line();
    ctx = {
      config: services.config!,
      client: services.client!,
      fakes: services.fakes!,
      apiUrl: services.api!.url,
      adminUrl: services.api!.adminUrl,
      announce: (name, outcome) => narrator.step(name, outcome.summary, outcome),
    };
    for (const stage of pipelineStages) await runStage(narrator, stage, ctx);
    narrator.line();
    narrator.line(bold('Proof before approval: a regression test per language, run in the sandbox.'));
    for (const stage of proofStages) await runStage(narrator, stage, ctx);
    narrator.line();
    narrator.line(bold('Triage and people: an error for its owners, not for a fix; a bug reported in Jira.'));
    for (const stage of peopleStages) await runStage(narrator, stage, ctx);
    narrator.line();
    narrator.line(
      bold(
        'Beyond one error: the weekly technical-debt scan and its Fix this, the weekly report, and a fix that broke something else, rolled back on its own.',
      ),
    );
    for (const stage of beyondStages) await runStage(narrator, stage, ctx);
  } catch (err) {
    const stage = err instanceof StageError ? err.stage : 'setup';
    const message =
      err instanceof StageError && err.cause instanceof ConfigError ? err.cause.message : (err as Error).message;
    narrator.fail(stage, message);
    console.error(`\nDemo failed at stage "${stage}": ${message.split('\n')[0]}`);
    await shutdown(1);
  }
  finished = true;

  const config = services.config!;
  narrator.line();
  narrator.line(bold('The run in the Temporal Web UI:'));
  narrator.line(
    `  ${cyan(ctx?.result?.runUrl ?? `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`)}`,
  );
  narrator.line(
    `  (all demo runs: ${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows?query=${encodeURIComponent(`WorkflowId STARTS_WITH "demo-"`)})`,
  );
  narrator.line(bold("The report of the demo's runs (fixes, outcomes, cost, timings):"));
  narrator.line(`  ${cyan(reportPageUrl(services.api!.adminUrl))}`);
  narrator.line(
    `API: ${services.api!.url}   Temporal: ${config.temporal.address}${services.temporal?.devServer ? ' (dev server started by this demo)' : ''}`,
  );
  if (exitWhenDone) {
    narrator.line(
      `\nStopping the API, the worker and the fakes${services.temporal?.devServer ? ', then the Temporal dev server' : ''} (--exit)...`,
    );
    await shutdown(0);
  }
  narrator.line(
    `\nEverything keeps running so you can look around: open the link above. Press ${bold('Ctrl-C')} to stop.`,
  );
}

main().catch((err: Error) => {
  console.error(`Demo failed: ${err.message}`);
  process.exit(1);
});
