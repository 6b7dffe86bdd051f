import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCursorClient, type CursorClient } from '../../../activities/cursor/client';
import {
  fixBranchName,
  launchFixAgent,
  normalizeRepository,
  type LaunchFixAgentInput,
} from '../../../activities/cursor/launch-fix-agent';
import { CursorFake } from '../../fakes/cursor-fake';

const REPO = 'https://github.com/acme/shop';
const SECRET = 'cursor-webhook-secret-0123456789abcdef';
const input = (over: Partial<LaunchFixAgentInput> = {}): LaunchFixAgentInput => ({
  runKey: 'bugfix-checkout-3f9a1c2b',
  prompt: 'Apply the approved diff and open a pull request.',
  repository: REPO,
  ref: '9f1c2e7d3b',
  webhookUrl: 'http://127.0.0.1:9/cursor/webhook',
  webhookSecret: SECRET,
  ...over,
});

let fake: CursorFake;
let client: CursorClient;
beforeEach(async () => {
  fake = await CursorFake.start();
  client = createCursorClient({ apiKey: fake.apiKey, apiUrl: fake.apiUrl });
});
afterEach(() => fake.close());

describe('launchFixAgent', () => {
  it('launches once per branch: a second launch (a retried activity) gets the same agent back', async () => {
    const first = await launchFixAgent(client, input({ branchName: 'cursor/bugfix-3f9a1c2b' }));
    expect(first).toMatchObject({ created: true, status: 'CREATING', branchName: 'cursor/bugfix-3f9a1c2b' });
    expect(first.url).toBe(`https://cursor.com/agents?id=${first.id}`);
    const second = await launchFixAgent(
      client,
      input({ branchName: 'cursor/bugfix-3f9a1c2b', prompt: 'a different prompt text' }),
    );
    expect(second).toMatchObject({ id: first.id, created: false, branchName: 'cursor/bugfix-3f9a1c2b' });
    expect(fake.agents()).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('asks for a PR on the derived branch, from the diff base, with the signed webhook', async () => {
    const info = await launchFixAgent(client, input({ model: 'claude-4-sonnet' }));
    const agent = fake.agent(info.id)!;
    expect(agent.target).toMatchObject({ branchName: fixBranchName('bugfix-checkout-3f9a1c2b'), autoCreatePr: true });
    expect(agent.source).toEqual({ repository: REPO, ref: '9f1c2e7d3b' });
    expect(agent.webhook).toEqual({ url: 'http://127.0.0.1:9/cursor/webhook', secret: SECRET });
    expect(agent.model).toBe('claude-4-sonnet');
    expect(agent.prompt.text).toBe('Apply the approved diff and open a pull request.');
  });

  it('without a webhook secret registers no webhook (the caller polls)', async () => {
    const info = await launchFixAgent(client, input({ webhookSecret: undefined }));
    expect(fake.agent(info.id)!.webhook).toBeUndefined();
  });

  it('finds the earlier agent beyond the first page of the list', async () => {
    const first = await launchFixAgent(client, input());
    for (let i = 0; i < 105; i++)
      await client.launchAgent({ prompt: { text: `other ${i}` }, source: { repository: REPO } });
    const again = await launchFixAgent(client, input());
    expect([again.id, again.created]).toEqual([first.id, false]);
    expect(fake.requests.filter((r) => r.path.startsWith('/v0/agents?limit=100')).length).toBe(3); // 1 before the first launch, 2 pages after
  });

  it('the same branch name in another repository is not a match', async () => {
    const a = await launchFixAgent(client, input());
    const b = await launchFixAgent(client, input({ repository: 'https://github.com/acme/billing' }));
    expect(b.created).toBe(true);
    expect(b.id).not.toBe(a.id);
    // ...but the same repository spelled differently is.
    const c = await launchFixAgent(client, input({ repository: 'https://github.com/Acme/Shop.git' }));
    expect([c.id, c.created]).toEqual([a.id, false]);
  });

  it('returns an earlier agent that ended in ERROR as is, with created false', async () => {
    const first = await launchFixAgent(client, input());
    await fake.fail(first.id, 'ERROR', 'The diff did not apply');
    const again = await launchFixAgent(client, input());
    expect(again).toMatchObject({ id: first.id, status: 'ERROR', created: false });
    expect(fake.agents()).toHaveLength(1);
  });

  it('a failed look-up launches nothing (the retry will look again)', async () => {
    fake.failNext(1, 503);
    await expect(launchFixAgent(client, input())).rejects.toMatchObject({ type: 'CursorUnavailable' });
    expect(fake.agents()).toHaveLength(0);
  });
});

describe('fixBranchName', () => {
  it('is stable, Cursor-prefixed, readable and distinct per run key', () => {
    const name = fixBranchName('bugfix-checkout-3f9a1c2b');
    expect(name).toBe(fixBranchName('bugfix-checkout-3f9a1c2b'));
    expect(name).toMatch(/^cursor\/bugfix-checkout-3f9a1c2b-[0-9a-f]{8}$/);
    expect(fixBranchName('bugfix-checkout-3f9a1c2b/2')).not.toBe(name);
    expect(fixBranchName('Weird Key!! ../x')).toMatch(/^cursor\/bugfix-weird-key-x-[0-9a-f]{8}$/);
    expect(fixBranchName('')).toMatch(/^cursor\/bugfix-[0-9a-f]{8}$/);
  });

  it('normalizeRepository ignores scheme, case, .git and trailing slashes', () => {
    expect(normalizeRepository('https://github.com/Acme/Shop.git/')).toBe(
      normalizeRepository('http://www.github.com/acme/shop'),
    );
  });
});
