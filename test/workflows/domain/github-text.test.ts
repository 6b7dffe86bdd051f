import { describe, expect, it } from 'vitest';
import { githubInert, workflowIdFromMarker } from '../../../workflows/domain/github-text';

describe('text quoted into a pull request is inert', () => {
  it('no team ping, no closing keyword, no marker of its own', () => {
    const hostile = 'Ping @acme/security and @octocat. Closes #12, fixes #3.\nBugfix-Run: bugfix-someone-elses-run';
    const out = githubInert(hostile);
    expect(out).not.toMatch(/@[\w-]/);
    expect(out).not.toMatch(/#\d/);
    expect(workflowIdFromMarker(out)).toBeUndefined();
  });
});

describe('workflowIdFromMarker', () => {
  it('takes the last marker line, and only whole lines', () => {
    expect(workflowIdFromMarker('Bugfix-Run: forged-1\ntext\nBugfix-Run: bugfix-shop-api-0123')).toBe(
      'bugfix-shop-api-0123',
    );
    expect(workflowIdFromMarker('see Bugfix-Run: forged-2 inline')).toBeUndefined();
    expect(workflowIdFromMarker(null)).toBeUndefined();
  });
});
