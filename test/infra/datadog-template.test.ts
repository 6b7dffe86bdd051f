import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatadogAlert } from '../../api/datadog/parse-alert';
import { fingerprintError } from '../../workflows/domain/identity/fingerprint';
import { repoRoot } from '../../infra/platform/config/read-config';
import { logsQueryFor } from '../../workflows/logs-query';

const template = readFileSync(path.join(repoRoot, 'infra/datadog/webhook-payload.json'), 'utf8');
const workflowYaml = readFileSync(path.join(repoRoot, 'infra/github/claude-review.yml'), 'utf8');

/** Datadog substitutes these as raw JSON; every other variable is text inside a JSON string. */
const JSON_VARIABLES = new Set(['LOGS_SAMPLE']);
const VARIABLE = /\$([A-Z][A-Z0-9_]*)/g;

/** What Datadog does on delivery: text values JSON-escaped in place, JSON variables spliced in as is. */
function render(values: Record<string, unknown>): string {
  return template.replace(VARIABLE, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for $${name}`);
    const value = values[name];
    return JSON_VARIABLES.has(name) ? JSON.stringify(value) : JSON.stringify(String(value)).slice(1, -1);
  });
}

// A Node stack as a log monitor samples it: Datadog cuts sample messages at 500 characters.
const stack = readFileSync(path.join(repoRoot, 'test/fixtures/stacks/node-typeerror.txt'), 'utf8').trim().slice(0, 500);
const monitorQuery = 'logs("service:checkout status:error").index("*").rollup("count").by("service").last("5m") > 0';
const at = Date.UTC(2025, 9, 14, 9, 30, 12);

const sample = (columns: string[], items: string[]) => ({
  columns,
  label: 'Sample Logs',
  rows: [{ items, message: stack }],
});

const values = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ID: '7912034411120938127',
  EVENT_TITLE: '[Triggered on {service:checkout}] Errors in checkout',
  // $EVENT_MSG carries Datadog's markdown fences, quotes and newlines: all must survive escaping.
  EVENT_MSG: `%%%\nMore than 0 "error" logs in checkout @webhook-bugfix @slack-oncall\n\n[[Monitor Status](https://app.datadoghq.com/monitors/4481?group=service%3Acheckout)]\n%%%`,
  EVENT_TYPE: 'log_alert',
  DATE: String(at),
  LAST_UPDATED: String(at),
  ORG_ID: '11023',
  ORG_NAME: 'Acme "Shop" Inc',
  ALERT_ID: '4481',
  ALERT_TRANSITION: 'Triggered',
  ALERT_QUERY: monitorQuery,
  ALERT_SCOPE: 'service:checkout',
  ALERT_CYCLE_KEY: '7912034411120938000',
  ALERT_STATUS: 'logs("service:checkout status:error") over service:checkout was > 0 at least once during the last 5m',
  TAGS: 'env:prod, monitor, service:checkout, team:payments',
  LINK: 'https://app.datadoghq.com/event/event?id=7912034411120938127',
  AGGREG_KEY: '9bd4ac313a4d1e8fae2482df7b77628',
  LOGS_SAMPLE: sample(['Time', 'Host', 'Service'], ['09:30:12 UTC', 'web-3', 'checkout']),
  ...overrides,
});

describe('infra/datadog/webhook-payload.json', () => {
  it('uses only Datadog variables, each quoted except $LOGS_SAMPLE', () => {
    const used = [...template.matchAll(VARIABLE)];
    expect(new Set(used.map((m) => m[1]))).toEqual(new Set(Object.keys(values())));
    for (const m of used) {
      const quoted = template[m.index - 1] === '"' && template[m.index + m[0].length] === '"';
      expect(quoted, `$${m[1]}`).toBe(!JSON_VARIABLES.has(m[1]!));
    }
  });

  it('renders to JSON that the ingress turns into the error, its stack, the transition and the monitor query', () => {
    const body: unknown = JSON.parse(render(values()));
    const alert = parseDatadogAlert(body, new Date(at + 5_000));

    expect(alert).toMatchObject({ deliveryId: '7912034411120938127', transition: 'Triggered', active: true });
    expect(alert.alert).toMatchObject({
      eventId: '7912034411120938127',
      monitorId: '4481',
      query: monitorQuery,
      transition: 'Triggered',
      link: 'https://app.datadoghq.com/event/event?id=7912034411120938127',
      tags: ['env:prod', 'monitor', 'service:checkout', 'team:payments'],
    });
    expect(alert.errors).toHaveLength(1);
    const [error] = alert.errors;
    expect(error).toMatchObject({
      service: 'checkout',
      message: "TypeError: Cannot read properties of undefined (reading 'email')",
      stack,
    });
    expect(error!.occurrence).toMatchObject({ id: '7912034411120938127#0', at: new Date(at).toISOString() });

    // The run's log search comes from the monitor's own query.
    const identity = fingerprintError({
      service: error!.service,
      message: error!.message,
      ...(error!.stack ? { stack: error!.stack } : {}),
    });
    expect(identity).toMatchObject({ service: 'checkout', errorType: 'TypeError' });
    expect(identity.topFrames[0]).toContain('formatRecipient');
    expect(logsQueryFor(identity, alert.alert)).toBe('service:checkout status:error');
  });

  it('takes the service from $TAGS when the sample has no service column', () => {
    const body: unknown = JSON.parse(
      render(values({ LOGS_SAMPLE: sample(['Time', 'Host'], ['09:30:12 UTC', 'web-3']), ALERT_SCOPE: '' })),
    );
    const [error] = parseDatadogAlert(body, new Date(at)).errors;
    expect(error).toMatchObject({
      service: 'checkout',
      message: "TypeError: Cannot read properties of undefined (reading 'email')",
    });
  });

  it.each([
    ['Triggered', true],
    ['Re-Triggered', true],
    ['Renotify', true],
    ['Warn', true],
    ['Re-Warn', true],
    ['Recovered', false],
    ['No Data', false],
    ['Re-No Data', false],
  ])('a %s rendering is active: %s', (transition, active) => {
    const recovery =
      transition === 'Recovered'
        ? {
            EVENT_TITLE: '[Recovered on {service:checkout}] Errors in checkout',
            LOGS_SAMPLE: { columns: [], label: 'Sample Logs', rows: [] },
          }
        : {};
    const alert = parseDatadogAlert(
      JSON.parse(render(values({ ALERT_TRANSITION: transition, ...recovery }))),
      new Date(at),
    );
    expect(alert.transition).toBe(transition);
    expect(alert.active).toBe(active);
  });
});

describe("Datadog's default payload", () => {
  it('still yields the error, from $EVENT_MSG, and the transition from the title', () => {
    const body = {
      body: `%%%\n${stack}\n @webhook-bugfix\n%%%`,
      last_updated: String(at),
      event_type: 'log_alert',
      title: '[Triggered] Errors in checkout',
      date: String(at),
      org: { id: '11023', name: 'Acme' },
      id: '7912034411120938128',
    };
    const alert = parseDatadogAlert(body, new Date(at));
    expect(alert).toMatchObject({ transition: 'Triggered', active: true });
    expect(alert.errors[0]).toMatchObject({
      message: "TypeError: Cannot read properties of undefined (reading 'email')",
    });
  });
});

interface YamlParser {
  parse(text: string): unknown;
}

/** The YAML check runs only where a parser is already installed: none is added for it. */
async function installedYamlParser(): Promise<YamlParser | undefined> {
  const name = 'yaml';
  try {
    return (await import(/* @vite-ignore */ name)) as YamlParser;
  } catch {
    return undefined;
  }
}
const yaml = await installedYamlParser();

describe('infra/github/claude-review.yml', () => {
  it('references the pipeline marker, the branch prefixes and the pinned actions', () => {
    for (const text of [
      'Bugfix-Run:',
      "'bugfix/'",
      "'cursor/'",
      'anthropics/claude-code-action@v1',
      'slackapi/slack-github-action@v2',
      'chat.postMessage',
    ]) {
      expect(workflowYaml).toContain(text);
    }
  });

  it('checks out the pull request without leaving the token in .git/config', () => {
    expect(workflowYaml).toMatch(
      /- uses: actions\/checkout@v4\n\s+with:\n(?:\s+#.*\n|\s+[\w-]+: .*\n)*\s+persist-credentials: false\n/,
    );
  });

  it.skipIf(!yaml)('parses as YAML with a per-PR concurrency group and minimal permissions', () => {
    const doc = yaml!.parse(workflowYaml) as {
      on: { pull_request: { types: string[] } };
      concurrency: { group: string };
      jobs: Record<string, { permissions: Record<string, string> }>;
    };
    expect(doc.on.pull_request.types).toEqual(['opened', 'synchronize', 'reopened']);
    expect(doc.concurrency.group).toContain('github.event.pull_request.number');
    expect(Object.values(doc.jobs)[0]!.permissions).toEqual({
      contents: 'read',
      'pull-requests': 'write',
      'id-token': 'write',
    });
  });
});
