/**
 * What a team said about its errors, per service, kept durably: one long-lived run per service
 * (`<prefix>-triage-<service>`) that collects corrections ("not a code bug") and decisions (approved,
 * rejected with a reason) and answers the classifier's query with the newest examples. It continues
 * as new when Temporal suggests it, carrying the examples, so its history stays small.
 */
import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { triageExampleSignal, triageExamplesQuery } from './domain/messages';
import type { TriageExample } from './domain/triage';

/** The newest examples kept; the classifier is shown the first few. */
export const MAX_EXAMPLES = 50;

export async function triageMemoryWorkflow(input: { examples?: TriageExample[] } = {}): Promise<void> {
  let examples = input.examples ?? [];
  setHandler(triageExampleSignal, (example) => {
    // A newer word on the same error replaces the older one.
    examples = [example, ...examples.filter((e) => e.message !== example.message)].slice(0, MAX_EXAMPLES);
  });
  setHandler(triageExamplesQuery, () => examples);
  await condition(() => workflowInfo().continueAsNewSuggested);
  await continueAsNew<typeof triageMemoryWorkflow>({ examples });
}
