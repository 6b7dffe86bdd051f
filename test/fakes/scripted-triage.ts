import { requestText, type FakeTurn, type RecordedRequest } from './anthropic-fake';

/**
 * A scripted classifier that reads its prompt the way a model would, enough to tell the pipeline's
 * part apart: a full disk is infrastructure; connection errors are a dependency outage; "X is not set" is a code defect, unless
 * the team's examples in the prompt say such errors are configuration. It answers through Claude
 * Code's StructuredOutput tool (what `--json-schema` offers the model), then ends the turn.
 */
function classify(req: RecordedRequest): Record<string, unknown> {
  const text = requestText(req.body);
  const error = text.slice(text.indexOf('## The error'), text.indexOf('## What the pipeline measured'));
  const examples = text.includes('## How this team classified') ? text.slice(text.indexOf('## How this team')) : '';
  if (/ENOSPC|no space left|OOMKilled/i.test(error))
    return {
      category: 'infrastructure',
      severity: 'critical',
      fixableByCode: false,
      confidence: 0.95,
      rationale: 'The host ran out of disk space.',
    };
  if (/ECONNREFUSED|ETIMEDOUT|connection refused/i.test(error))
    return {
      category: 'dependency-outage',
      severity: 'high',
      fixableByCode: false,
      confidence: 0.9,
      rationale: 'A dependency refuses connections.',
    };
  if (/is not set/.test(error) && /is not set[^]*→ configuration/.test(examples))
    return {
      category: 'configuration',
      severity: 'medium',
      fixableByCode: false,
      confidence: 0.8,
      rationale: 'The team treats missing settings as configuration.',
    };
  return {
    category: 'code-defect',
    severity: 'medium',
    fixableByCode: true,
    confidence: 0.6,
    rationale: 'The code does not handle this case.',
  };
}

export function triageTurns(): FakeTurn[] {
  return [(req) => ({ type: 'tool_use', name: 'StructuredOutput', input: classify(req) }), () => 'Classified.'];
}
