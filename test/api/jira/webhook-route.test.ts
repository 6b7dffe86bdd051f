import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/create-app';
import type { RunStatus } from '../../../workflows/domain/run-status';
import { deliverJiraWebhook, jiraWebhookPayload, labelAddedChangelog } from '../../fakes/jira-fake';
import { sampleStackTrace } from '../../fakes/scripted-fix';
import { alertPayload, closeTerminatingRuns, SERVICE, startE2E, type E2E } from '../../support/e2e';

const SECRET = 'jira-webhook-secret-for-tests';

interface Accepted {
  event: string;
  issue?: string;
  ignored?: boolean;
  reason?: string;
  workflows?: { workflowId: string; service: string; serviceFrom: string; occurrences: number }[];
  error?: { code: string; field?: string };
}

let nextId = 30_000;
/** An issue as Jira Cloud's webhook carries it, with an ADF description. */
function issue(o: {
  labels?: string[];
  project?: string;
  summary?: string;
  description?: unknown;
  components?: string[];
}) {
  const id = String(nextId++);
  const project = o.project ?? 'SUP';
  return {
    id,
    key: `${project}-${id}`,
    self: `https://acme.atlassian.net/rest/api/2/issue/${id}`,
    fields: {
      summary: o.summary ?? 'Checkout page crashes',
      description: o.description ?? null,
      labels: o.labels ?? ['bugfix'],
      project: { id: '10000', key: project, name: 'Support' },
      issuetype: { id: '1', name: 'Bug' },
      status: { id: '10000', name: 'To Do' },
      components: (o.components ?? []).map((name, i) => ({ id: String(i + 1), name })),
    },
  };
}
const adf = (...content: object[]) => ({ type: 'doc', version: 1, content });
const para = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] });
const code = (text: string) => ({ type: 'codeBlock', attrs: {}, content: [{ type: 'text', text }] });

describe('POST /webhooks/jira', () => {
  let e: E2E;
  const url = () => `${e.pipeline.apiUrl}/webhooks/jira`;
  const send = async (
    payload: unknown,
    opts: { secret?: string | undefined; body?: string; signature?: string } = {},
  ) => {
    const res = await deliverJiraWebhook(url(), payload, 'secret' in opts ? opts.secret : SECRET, opts);
    return { status: res.status, body: (await res.json()) as Accepted };
  };
  beforeAll(async () => {
    // Logs answer slowly, so runs stay in their first step while the test looks at them.
    e = await startE2E({
      datadog: { latencyMs: 20_000 },
      env: { JIRA_WEBHOOK_SECRET: SECRET, JIRA_TRIGGER_PROJECTS: 'QA', JIRA_DEFAULT_SERVICE: 'web-frontend' },
    });
  });
  afterAll(() => closeTerminatingRuns(e));

  it('a signed issue_created with the trigger label starts a run, counted once per issue', async () => {
    const i = issue({
      labels: ['bugfix', 'service:billing'],
      description: adf(
        para('Invoices fail'),
        code('RangeError: Invalid time value\n    at formatDate (/app/src/dates.ts:8:11)'),
      ),
    });
    const payload = jiraWebhookPayload(i, 'jira:issue_created');
    const { status, body } = await send(payload);
    expect(status).toBe(202);
    expect(body.issue).toBe(i.key);
    const [run] = body.workflows!;
    expect(run).toMatchObject({ service: 'billing', serviceFrom: 'label', occurrences: 1 });
    const s = await e.waitFor(run!.workflowId, (st: RunStatus) => st.occurrences >= 1, 30_000);
    expect(s.occurrences).toBe(1);
    // Jira delivers again (or the issue is updated): the same occurrence, not a second one.
    expect((await send(payload)).body.workflows![0]!.workflowId).toBe(run!.workflowId);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await e.status(run!.workflowId)).occurrences).toBe(1);
  });

  it('an issue describing the error of a Datadog-started run joins that run', async () => {
    const dd = await e.sendAlert(alertPayload({ id: 'evt-jira-join', message: sampleStackTrace }));
    expect(dd.status).toBe(202);
    const [ddRun] = ((await dd.json()) as { workflows: { workflowId: string }[] }).workflows;
    await e.waitFor(ddRun!.workflowId, (st: RunStatus) => st.occurrences >= 1, 30_000);

    const i = issue({
      labels: ['bugfix', `service:${SERVICE}`],
      summary: 'Customers cannot check out',
      description: adf(para('Support saw this in the console:'), code(sampleStackTrace)),
    });
    const { status, body } = await send(jiraWebhookPayload(i, 'jira:issue_created'));
    expect(status).toBe(202);
    expect(body.workflows![0]!.workflowId).toBe(ddRun!.workflowId);
    const s = await e.waitFor(ddRun!.workflowId, (st: RunStatus) => st.occurrences >= 2, 30_000);
    expect(s.occurrences).toBe(2);
  });

  it('a trigger project starts runs without the label; the service falls back to a component, then the default', async () => {
    const byComponent = await send(
      jiraWebhookPayload(issue({ project: 'QA', labels: [], components: ['checkout'] }), 'jira:issue_created'),
    );
    expect(byComponent.body.workflows![0]).toMatchObject({ service: 'checkout', serviceFrom: 'component' });
    const byDefault = await send(jiraWebhookPayload(issue({ project: 'QA', labels: [] }), 'jira:issue_created'));
    expect(byDefault.body.workflows![0]).toMatchObject({ service: 'web-frontend', serviceFrom: 'default' });
  });

  it('issue_updated starts a run only when it just added the trigger label', async () => {
    const i = issue({ labels: ['customer', 'bugfix'], summary: 'Search returns 500' });
    const added = await send(jiraWebhookPayload(i, 'jira:issue_updated', labelAddedChangelog(['customer'], 'bugfix')));
    expect(added.status).toBe(202);
    expect(added.body.workflows).toHaveLength(1);
    const edited = await send(
      jiraWebhookPayload(i, 'jira:issue_updated', {
        id: '1',
        items: [{ field: 'summary', fromString: 'a', toString: 'b' }],
      }),
    );
    expect(edited.body).toMatchObject({
      ignored: true,
      reason: expect.stringMatching(/did not add the label "bugfix"/),
    });
  });

  it('other events and issues without label or trigger project are acknowledged and ignored', async () => {
    const comment = await send({ webhookEvent: 'comment_created', timestamp: Date.now(), comment: { id: '1' } });
    expect(comment).toMatchObject({
      status: 202,
      body: { ignored: true, reason: 'event comment_created does not start runs' },
    });
    const plain = await send(jiraWebhookPayload(issue({ labels: ['customer'] }), 'jira:issue_created'));
    expect(plain).toMatchObject({
      status: 202,
      body: { ignored: true, reason: expect.stringMatching(/no label "bugfix"/) },
    });
  });

  it('unsigned and forged deliveries are refused with 401', async () => {
    const payload = jiraWebhookPayload(issue({}), 'jira:issue_created');
    const unsigned = await send(payload, { secret: undefined });
    expect(unsigned).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    const forged = await send(payload, { secret: 'guessed-secret' });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    // Signed, then altered on the way.
    const body = JSON.stringify(payload);
    const signature = (await import('node:crypto')).createHmac('sha256', SECRET).update(body).digest('hex');
    const altered = await send(undefined, {
      body: body.replace('Checkout', 'Chekout'),
      signature: `sha256=${signature}`,
    });
    expect(altered.status).toBe(401);
  });

  it('malformed bodies are 400s naming the field', async () => {
    expect(await send(undefined, { body: '{"webhookEvent":' })).toMatchObject({
      status: 400,
      body: { error: { code: 'malformed_json' } },
    });
    expect(await send({ timestamp: 1 })).toMatchObject({ status: 400, body: { error: { field: 'webhookEvent' } } });
    const noSummary = issue({});
    delete (noSummary.fields as { summary?: string }).summary;
    expect(await send(jiraWebhookPayload(noSummary, 'jira:issue_created'))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_payload', field: 'issue.fields.summary' } },
    });
    expect(await send({ webhookEvent: 'jira:issue_created' })).toMatchObject({
      status: 400,
      body: { error: { field: 'issue' } },
    });
  });

  it('without JIRA_WEBHOOK_SECRET the route refuses everything (503 not_configured)', async () => {
    const { config, client } = e.pipeline;
    const app = createApp({
      client,
      config: { ...config, jira: { ...config.jira, webhookSecret: undefined } },
      log: () => undefined,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await deliverJiraWebhook(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/jira`,
        {},
        SECRET,
      );
      expect(res.status).toBe(503);
      expect(((await res.json()) as Accepted).error?.code).toBe('not_configured');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
