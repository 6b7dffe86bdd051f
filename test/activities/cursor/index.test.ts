import { afterEach, describe, expect, it } from 'vitest';
import { createCursorActivities, parseStatusChange } from '../../../activities/cursor/index';
import { verifyCursorSignature } from '../../../api/cursor/verify-signature';
import { CursorFake, type CursorFakeOptions } from '../../fakes/cursor-fake';
import { startWebhookReceiver } from './webhook-receiver';

const SECRET = 'cursor-webhook-secret-0123456789abcdef';
const REPO = 'https://github.com/acme/shop';
const identity = {
  fingerprint: 'f00dfeed',
  service: 'checkout',
  errorType: 'TypeError',
  normalizedMessage: 'x is undefined',
  topFrames: ['src/cart.ts:total'],
  language: 'node' as const,
};
const fixSpec = {
  workflowId: 'bugfix-checkout-3f9a1c2b',
  runUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/bugfix-checkout-3f9a1c2b/r1/history',
  identity,
  message: "TypeError: Cannot read properties of undefined (reading 'price')",
  occurrences: [{ id: 'o1', at: '2026-11-20T10:00:00Z', message: 'boom' }],
  explanation: '**Root cause** cart.ts:12',
  diff: '--- a/src/cart.ts\n+++ b/src/cart.ts\n@@ -1 +1 @@\n-a\n+b\n',
  marker: 'Bugfix-Run: bugfix-checkout-3f9a1c2b',
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function setup(options: CursorFakeOptions = {}) {
  const fake = await CursorFake.start(options);
  const receiver = await startWebhookReceiver();
  cleanups.push(
    () => receiver.close(),
    () => fake.close(),
  );
  const activities = createCursorActivities({ apiKey: fake.apiKey, apiUrl: fake.apiUrl, webhookSecret: SECRET });
  return { fake, receiver, activities };
}

describe('createCursorActivities', () => {
  it('an agent that works on its own: PR opened by the hook, signed webhook received, polling agrees', async () => {
    const launched: string[] = [];
    const { fake, receiver, activities } = await setup({
      autoFinishAfterMs: 30,
      onLaunch: (agent) => {
        launched.push(agent.target.branchName);
        return 'https://github.com/acme/shop/pull/42';
      },
    });
    const info = await activities.launchFixAgent({
      runKey: fixSpec.workflowId,
      repository: REPO,
      ref: 'abc1234',
      webhookUrl: receiver.url,
      prompt: { fix: fixSpec },
    });
    expect(info.created).toBe(true);
    // The prompt was built in the activity from the approved fix.
    const prompt = fake.agent(info.id)!.prompt.text;
    expect(prompt).toContain(fixSpec.diff.trimEnd());
    expect(prompt).toContain(fixSpec.marker);

    await fake.idle();
    expect(launched).toEqual([info.branchName]);
    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0]!;
    expect(hook.headers['x-webhook-event']).toBe('statusChange');
    expect(verifyCursorSignature(SECRET, hook.rawBody, hook.headers['x-webhook-signature'] as string)).toEqual({
      ok: true,
    });
    expect(parseStatusChange(JSON.parse(hook.rawBody.toString()))).toMatchObject({
      id: info.id,
      status: 'FINISHED',
      prUrl: 'https://github.com/acme/shop/pull/42',
      branchName: info.branchName,
    });
    expect(await activities.getAgent({ id: info.id })).toMatchObject({
      status: 'FINISHED',
      prUrl: 'https://github.com/acme/shop/pull/42',
    });
  });

  it('an onLaunch hook that throws ends the agent in ERROR, with the message in the webhook', async () => {
    const { fake, receiver, activities } = await setup({ onLaunch: () => Promise.reject(new Error('push rejected')) });
    const info = await activities.launchFixAgent({
      runKey: 'r2',
      repository: REPO,
      ref: 'main',
      webhookUrl: receiver.url,
      prompt: 'do it',
    });
    await fake.idle();
    expect(parseStatusChange(JSON.parse(receiver.received[0]!.rawBody.toString()))).toMatchObject({
      id: info.id,
      status: 'ERROR',
      error: 'push rejected',
    });
    expect((await activities.getAgent({ id: info.id })).status).toBe('ERROR');
  });

  it('EXPIRED surfaces through polling only: Cursor sends no webhook for it', async () => {
    const { fake, receiver, activities } = await setup();
    const info = await activities.launchFixAgent({
      runKey: 'r3',
      repository: REPO,
      ref: 'main',
      webhookUrl: receiver.url,
      prompt: 'do it',
    });
    expect((await activities.getAgent({ id: info.id })).status).toBe('RUNNING');
    await fake.fail(info.id, 'EXPIRED', 'no activity for 24h');
    expect(await activities.getAgent({ id: info.id })).toEqual({
      id: info.id,
      status: 'EXPIRED',
      branchName: info.branchName,
      url: info.url,
    });
    expect(receiver.received).toHaveLength(0);
    expect(fake.webhookDeliveries).toHaveLength(0);
  });

  it('stopAgent stops a running agent, and accepts one that already ended even if the stop is refused', async () => {
    const { fake, activities } = await setup();
    const running = await activities.launchFixAgent({ runKey: 'r4', repository: REPO, ref: 'main', prompt: 'do it' });
    expect((await activities.stopAgent({ id: running.id })).status).toBe('STOPPED');

    const done = await activities.launchFixAgent({ runKey: 'r5', repository: REPO, ref: 'main', prompt: 'do it' });
    await fake.finish(done.id, { prUrl: 'https://github.com/acme/shop/pull/9' });
    fake.failNext(1, 409, {}, { error: 'Agent is not running' });
    expect(await activities.stopAgent({ id: done.id })).toMatchObject({
      status: 'FINISHED',
      prUrl: 'https://github.com/acme/shop/pull/9',
    });

    const other = await activities.launchFixAgent({ runKey: 'r6', repository: REPO, ref: 'main', prompt: 'do it' });
    fake.failNext(1, 409, {}, { error: 'Conflict' });
    await expect(activities.stopAgent({ id: other.id })).rejects.toMatchObject({ type: 'CursorBadRequest' }); // still working: the refusal stands
  });

  it('without CURSOR_API_KEY each activity fails with a non-retryable CursorConfigError', async () => {
    const activities = createCursorActivities({ apiUrl: 'http://127.0.0.1:9' });
    await expect(activities.getAgent({ id: 'bc_1' })).rejects.toMatchObject({
      type: 'CursorConfigError',
      nonRetryable: true,
    });
  });
});
