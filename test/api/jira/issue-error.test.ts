import { describe, expect, it } from 'vitest';
import { issueErrorOf } from '../../../api/jira/issue-error';
import type { JiraIssue } from '../../../api/jira/parse-event';

const trace = "TypeError: Cannot read properties of undefined (reading 'id')\n    at load (/app/src/orders.ts:12:5)";
const issue = (description: unknown, labels: string[] = []): JiraIssue => ({
  id: '1',
  key: 'SUP-1',
  fields: { summary: 'Orders page blank', description, labels, project: { key: 'SUP' } },
});

describe('issueErrorOf', () => {
  it('a stack in a wiki {code} block, and a "service:" line', () => {
    const e = issueErrorOf(issue(`service: orders\nSeen at 10:00\n{code:java}\n${trace}\n{code}`), 'dflt');
    expect(e).toEqual({ service: 'orders', serviceFrom: 'description', message: trace.split('\n')[0], stack: trace });
  });

  it('a stack pasted as an ADF paragraph with hard breaks', () => {
    const [head, frame] = trace.split('\n');
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [{ type: 'text', text: head }, { type: 'hardBreak' }, { type: 'text', text: frame }],
        },
      ],
    };
    expect(issueErrorOf(issue(doc), 'dflt')).toMatchObject({ message: head, stack: trace, service: 'dflt' });
  });

  it('without a stack: a log excerpt line, else the summary', () => {
    const log = {
      type: 'doc',
      version: 1,
      content: [{ type: 'codeBlock', content: [{ type: 'text', text: '\nERROR db timeout after 30s\nmore' }] }],
    };
    expect(issueErrorOf(issue(log), 'dflt')).toEqual({
      service: 'dflt',
      serviceFrom: 'default',
      message: 'ERROR db timeout after 30s',
    });
    expect(issueErrorOf(issue(null, ['service:web']), 'dflt')).toEqual({
      service: 'web',
      serviceFrom: 'label',
      message: 'Orders page blank',
    });
  });
});
