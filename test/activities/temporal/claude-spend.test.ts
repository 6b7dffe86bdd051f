import { describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { COST_USD, SERVICE } from '../../../workflows/domain/search-attributes';
import { sharedClaudeSpend } from '../../../activities/temporal/claude-spend';

/** A client whose visibility listing is slow and counted: all sharedClaudeSpend uses of Temporal. */
function listingClient(runs: { service: string; cost: number }[]) {
  const queries: string[] = [];
  const client = {
    workflow: {
      async *list({ query }: { query: string }) {
        queries.push(query);
        await new Promise((r) => setTimeout(r, 50));
        for (const run of runs) {
          const attributes = new Map<unknown, unknown>([
            [COST_USD, run.cost],
            [SERVICE, run.service],
          ]);
          yield { typedSearchAttributes: { get: (key: unknown) => attributes.get(key) } };
        }
      },
    },
  };
  // Only workflow.list is used; the rest of the Client is not needed.
  return { client: client as unknown as Client, queries };
}

describe('sharedClaudeSpend', () => {
  const since = '2026-01-01T00:00:00.000Z';

  it('answers the calls that arrive during a listing from that listing, per service', async () => {
    const { client, queries } = listingClient([
      { service: 'shop-api', cost: 1.5 },
      { service: 'billing', cost: 2 },
      { service: 'shop-api', cost: 0.5 },
    ]);
    const spend = sharedClaudeSpend(client, 'bugfix');
    const answers = await Promise.all([
      spend({ service: 'shop-api', since }),
      spend({ service: 'billing', since }),
      spend({ service: 'search', since }),
    ]);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toContain('WorkflowId STARTS_WITH "bugfix-"');
    expect(answers).toEqual([
      { totalUsd: 4, serviceUsd: 2, runs: 3 },
      { totalUsd: 4, serviceUsd: 2, runs: 3 },
      { totalUsd: 4, serviceUsd: 0, runs: 3 },
    ]);
  });

  it('lists again once a listing is over (no stale answers), and apart for another day', async () => {
    const { client, queries } = listingClient([{ service: 'shop-api', cost: 1 }]);
    const spend = sharedClaudeSpend(client, 'bugfix');
    await spend({ service: 'shop-api', since });
    await spend({ service: 'shop-api', since });
    await Promise.all([
      spend({ service: 'shop-api', since }),
      spend({ service: 'shop-api', since: '2026-01-02T00:00:00.000Z' }),
    ]);
    expect(queries).toHaveLength(4);
  });
});
