/** Bringing the demo up: fakes and configuration, Temporal, worker, API. Each fills in `DemoServices`. */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../../infra/platform/config/load-config';
import { readConfig } from '../../infra/platform/config/read-config';
import { startFakes, type DemoFakes } from './fakes';
import {
  createClient,
  ensureTemporal,
  startApi,
  startWorker,
  type RunningWorker,
  type TemporalSetup,
} from './services';
import type { DemoStage } from './context';

export interface DemoServices {
  /** Scratch space for clones and checkouts, removed at the end. */
  workRoot: string;
  /** Tells this demo's task queue and workflow ids apart from `npm start`'s and earlier demos'. */
  tag: string;
  fakes?: DemoFakes;
  config?: Config;
  temporal?: TemporalSetup;
  client?: Client;
  worker?: RunningWorker;
  api?: { url: string; adminUrl: string; close(): Promise<void> };
}

/** Temporal settings of the user's environment (address, TLS, UI, CLI) carry over; everything else points at the fakes. */
function demoEnv(services: DemoServices, fakes: DemoFakes): Record<string, string | undefined> {
  const temporal = Object.entries(process.env).filter(
    ([k]) => (k.startsWith('TEMPORAL_') && k !== 'TEMPORAL_TASK_QUEUE') || k === 'CLAUDE_CODE_PATH',
  );
  return {
    ...Object.fromEntries(temporal),
    ...fakes.env,
    TEMPORAL_TASK_QUEUE: `bugfix-demo-${services.tag}`,
    WORKFLOW_ID_PREFIX: `demo-${services.tag}`,
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_PORT: '0',
    GIT_CACHE_DIR: path.join(services.workRoot, 'repos'),
    CLAUDE_TIMEOUT: '90s',
    APPROVAL_TIMEOUT: '10m',
    APPROVAL_REMINDER_INTERVAL: '5m',
    // After the merge the run polls GitHub and watches production: seconds here, not hours.
    POLL_INTERVAL: '300ms',
    POLL_MAX_INTERVAL: '2s',
    PR_WAIT_TIMEOUT: '10m',
    DEPLOY_TIMEOUT: '10m',
    VERIFY_WINDOW: '5s',
  };
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is not set up`);
  return value;
};

const fakes: DemoStage<DemoServices> = {
  name: 'Local fakes started',
  async run(s) {
    s.fakes = await startFakes();
    s.config = readConfig(demoEnv(s, s.fakes));
    const f = s.fakes;
    return {
      summary: 'Datadog, Slack, a git server, GitHub and the Anthropic API on 127.0.0.1',
      details: [
        `Datadog Logs API  ${f.datadog.url}  (3 error logs around the alert)`,
        `Slack Web API     ${f.slack.baseUrl}  (channel #bugs)`,
        `git smart HTTP    ${f.repoUrl}  (test/fixtures/sample-repo)`,
        `GitHub REST API   ${f.github.apiUrl}  (acme/shop-api)`,
        `Anthropic API     ${f.anthropic.url}  (scripted Claude session)`,
      ],
    };
  },
};

const temporal: DemoStage<DemoServices> = {
  name: 'Temporal',
  async run(s) {
    const config = need(s.config, 'the configuration');
    s.temporal = await ensureTemporal(config);
    const where = `${config.temporal.address}, namespace ${config.temporal.namespace}`;
    const added = s.temporal.added.length
      ? [`registered missing search attributes: ${s.temporal.added.join(', ')}`]
      : [];
    if (s.temporal.reused) return { summary: `reusing the server already answering on ${where}`, details: added };
    return {
      summary: `started the embedded dev server on ${where}`,
      details: [
        `data in ${path.relative(process.cwd(), config.devServer.dbFilename) || config.devServer.dbFilename} (kept after the demo), Web UI ${config.temporal.uiUrl}`,
        ...added,
      ],
    };
  },
};

const worker: DemoStage<DemoServices> = {
  name: 'Worker started',
  async run(s) {
    const config = need(s.config, 'the configuration');
    s.client = await createClient(config.temporal);
    s.worker = await startWorker(config, s.client, path.join(s.workRoot, 'work'));
    return { summary: `workflow code bundled; polling task queue "${config.temporal.taskQueue}"` };
  },
};

const api: DemoStage<DemoServices> = {
  name: 'API started',
  async run(s) {
    s.api = await startApi(need(s.config, 'the configuration'));
    return {
      summary: s.api.url,
      details: [
        'POST /webhooks/datadog · POST /slack/interactions · GET /healthz',
        `admin listener ${s.api.adminUrl}: GET /report (the fix-effectiveness report page)`,
      ],
    };
  },
};

export const setupStages: DemoStage<DemoServices>[] = [fakes, temporal, worker, api];
