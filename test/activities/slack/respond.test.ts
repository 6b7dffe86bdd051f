import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respondToAction } from '../../../activities/slack/respond';
import { SlackFake } from '../../fakes/slack-fake';
import { failureOf } from '../../support/failure-of';

let fake: SlackFake;
beforeEach(async () => {
  fake = await SlackFake.start();
});
afterEach(() => fake.close());

describe('respondToAction', () => {
  it('posts the JSON Slack expects on the response_url', async () => {
    await respondToAction(fake.responseUrl('a1'), { text: 'Only approvers can decide', ephemeral: true });
    await respondToAction(fake.responseUrl('a2'), { text: 'Approved by Ada', ephemeral: false, replaceOriginal: true });
    expect(fake.responses('a1').map((r) => r.body)).toEqual([
      { text: 'Only approvers can decide', response_type: 'ephemeral', replace_original: false },
    ]);
    expect(fake.responses('a2').map((r) => r.body)).toEqual([
      { text: 'Approved by Ada', response_type: 'in_channel', replace_original: true },
    ]);
  });

  it('5xx is retryable, 429 carries Retry-After', async () => {
    fake.failNext('respond', { status: 500 });
    const down = await failureOf(respondToAction(fake.responseUrl('b'), { text: 'x', ephemeral: true }));
    expect([down.type, down.nonRetryable]).toEqual(['SlackUnavailable', false]);
    fake.failNext('respond', { status: 429, retryAfter: 3 });
    const limited = await failureOf(respondToAction(fake.responseUrl('b'), { text: 'x', ephemeral: true }));
    expect([limited.type, limited.nextRetryDelay]).toEqual(['SlackRateLimited', '3s']);
    expect(fake.responses('b')).toHaveLength(0);
  });

  it('a URL Slack no longer accepts is not retried', async () => {
    const failure = await failureOf(respondToAction(`${fake.baseUrl}/expired/xyz`, { text: 'x', ephemeral: true }));
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackRequestRejected', true]);
  });
});
