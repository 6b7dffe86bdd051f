import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertPayload, closeTerminatingRuns, startE2E, type E2E } from '../support/e2e';
import { eventually } from '../infra/cli/run-cli';
import { requestText, toolNames } from '../fakes/anthropic-fake';
import { sampleStackTrace } from '../fakes/scripted-fix';
import { DEBT_PROMPT_MARK, SAMPLE_DEBT, debtScanTurns, previousId, structuredTurns } from '../fakes/scripted-debt';
import type { FakeMessage } from '../fakes/slack-fake';
import { debtScanScheduleId, parseFixDebtValue, type DebtScan, type DebtScanInput } from '../../workflows/domain/debt';
import { FIX_DEBT_ACTION_ID } from '../../workflows/domain/slack-actions';

/**
 * Two scans of the sample repository through the real worker, the real Claude Code CLI (read-only tools,
 * structured output) against the scripted model, Temporal's visibility for the previous scan and the
 * related errors, and the Slack fake for the digests.
 */
let e: E2E;
let prefix: string;

beforeAll(async () => {
  e = await startE2E({
    // Triage on: runs set BugfixTopFrame, which the scans read first.
    env: { TRIAGE: 'on' },
    classifier: structuredTurns(
      debtScanTurns([
        () => ({ items: [SAMPLE_DEBT.port, SAMPLE_DEBT.label, SAMPLE_DEBT.cast] }),
        // The port again, reworded: only the id it reads in the prompt says it is the same item. The label
        // again without an id (same file and title); the cast left out.
        (prompt) => ({
          items: [
            { ...SAMPLE_DEBT.port, id: previousId(prompt, 'src/server.ts', 'port'), title: 'Listen port is a literal' },
            SAMPLE_DEBT.label,
          ],
        }),
      ]),
    ),
  });
  prefix = e.pipeline.config.temporal.workflowIdPrefix;
}, 120_000);
afterAll(() => closeTerminatingRuns(e));

async function scan(suffix: string): Promise<DebtScan> {
  const input: DebtScanInput = { repository: 'shop-api', topN: 5, claudeTimeoutMs: 90_000 };
  return e.pipeline.client.workflow.execute('debtScanWorkflow', {
    workflowId: `${debtScanScheduleId(prefix, 'shop-api')}-${suffix}`,
    taskQueue: e.pipeline.config.temporal.taskQueue,
    args: [input],
  });
}

const digests = () => e.slack.messages().filter((m) => m.metadata?.event_type === 'bugfix_debt_digest');
type Section = { type: string; text?: { text: string }; accessory?: { action_id: string; value: string } };
const sections = (m: FakeMessage) => (m.blocks as Section[]).filter((b) => b.type === 'section');

describe('technical-debt scans (real path)', () => {
  it('a first scan posts a digest with Fix this buttons and relates an item to a production error in its file', async () => {
    // A production error thrown in src/cart.ts, classified (its BugfixTopFrame set) before the scan.
    const res = await e.sendAlert(alertPayload({ id: 'evt-debt-cart', message: sampleStackTrace }));
    const errorRun = ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
    await e.waitFor(errorRun, (s) => s.triage !== undefined, 90_000);

    const first = await scan('first');
    expect(first.repository).toBe('shop-api');
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(first.items.map((i) => [i.file, i.title, i.status, i.firstSeen])).toEqual([
      ['src/server.ts', SAMPLE_DEBT.port.title, 'open', first.scannedAt],
      ['src/cart.ts', SAMPLE_DEBT.label.title, 'open', first.scannedAt],
      ['src/users.ts', SAMPLE_DEBT.cast.title, 'open', first.scannedAt],
    ]);
    expect(first.resolved).toEqual([]);
    const label = first.items[1]!;
    expect(label.relatedErrors).toEqual([
      expect.objectContaining({ workflowId: errorRun, frame: 'src/cart.ts:shippingLabel' }),
    ]);
    // Its top frame is in src/cart.ts; its stack passes through src/server.ts too; nothing touched src/users.ts.
    expect(first.items[0]!.relatedErrors).toEqual([
      expect.objectContaining({ workflowId: errorRun, frame: 'src/server.ts:Server.<anonymous>' }),
    ]);
    expect(first.items[2]!.relatedErrors).toBeUndefined();

    // The scan's session could only read: Glob, Read, Grep and the structured answer, nothing else.
    const scanTurns = e.anthropic.turnRequests().filter((r) => requestText(r.body).includes(DEBT_PROMPT_MARK));
    expect(scanTurns.length).toBeGreaterThanOrEqual(3);
    for (const t of scanTurns) expect(toolNames(t).sort()).toEqual(['Glob', 'Grep', 'Read', 'StructuredOutput']);

    const [digest] = digests();
    expect(digest!.text).toBe('Technical debt in shop-api: 3 open items');
    const items = sections(digest!).filter((s) => s.accessory);
    expect(items).toHaveLength(3);
    expect(items.every((s) => s.accessory!.action_id === FIX_DEBT_ACTION_ID)).toBe(true);
    expect(items.map((s) => parseFixDebtValue(s.accessory!.value)?.itemId)).toEqual(first.items.map((i) => i.id));
    expect(parseFixDebtValue(items[0]!.accessory!.value)).toMatchObject({
      scanWorkflowId: first.workflowId,
      repository: 'shop-api',
      file: 'src/server.ts',
      line: 16,
    });
    expect(items[0]!.text!.text).toContain('`src/server.ts:16` · effort *S* · risk *low*');
    expect(items[1]!.text!.text).toMatch(/Production errors here: <[^|]+\/workflows\/[^|]+\|TypeError>/);
    expect(first.slack).toMatchObject({ channel: digest!.channel, ts: digest!.ts });
  }, 180_000);

  it('a second scan keeps the reported item (same id), adds none twice and resolves the omitted one', async () => {
    const [first] = (await eventually(async () => {
      const done: DebtScan[] = [];
      for await (const w of e.pipeline.client.workflow.list({
        query: `WorkflowType = 'debtScanWorkflow' AND WorkflowId STARTS_WITH "${prefix}-" AND ExecutionStatus = "Completed"`,
      }))
        done.push(await e.pipeline.client.workflow.getHandle(w.workflowId).result());
      if (done.length !== 1) throw new Error('the first scan is not listed as completed yet');
      return done;
    })) as [DebtScan];

    const second = await scan('second');
    const [port, label, cast] = first.items;
    expect(second.items.map((i) => [i.id, i.title, i.firstSeen, i.lastSeen])).toEqual([
      [port!.id, 'Listen port is a literal', first.scannedAt, second.scannedAt],
      [label!.id, SAMPLE_DEBT.label.title, first.scannedAt, second.scannedAt],
    ]);
    expect(second.resolved).toEqual([
      expect.objectContaining({ id: cast!.id, status: 'resolved', resolvedAt: second.scannedAt }),
    ]);
    // The model was shown the previous items with their ids, fenced as data.
    const prompt = requestText(
      e.anthropic
        .turnRequests()
        .filter((r) => requestText(r.body).includes(DEBT_PROMPT_MARK))
        .at(-1)!.body,
    );
    expect(prompt).toMatch(
      new RegExp(`<<<UNTRUSTED-[0-9a-f]{24}\\n- id ${port!.id}: src/server.ts:16 Hard-coded listen port\\n`),
    );

    const latest = digests().at(-1)!;
    expect(digests()).toHaveLength(2);
    expect(latest.text).toBe('Technical debt in shop-api: 2 open items');
    const buttons = sections(latest).filter((s) => s.accessory);
    const ids = buttons.map((s) => parseFixDebtValue(s.accessory!.value)!.itemId);
    expect(ids).toEqual([port!.id, label!.id]);
    const resolved = sections(latest).find((s) => s.text?.text.startsWith('*Resolved since the last scan*'));
    expect(resolved?.text?.text).toContain(`~${SAMPLE_DEBT.cast.title}~ \`src/users.ts\``);
  }, 180_000);
});
