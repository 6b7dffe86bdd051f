import { describe, expect, it } from 'vitest';
import { jiraConfigFrom } from '../../../../infra/platform/config/jira-config';
import { ConfigError } from '../../../../infra/platform/config/load-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    jiraConfigFrom(env);
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.problems : [String(err)];
  }
};

describe('jiraConfigFrom', () => {
  it('defaults: off, label bugfix, issue type Bug', () => {
    expect(jiraConfigFrom({})).toEqual({
      triggerLabel: 'bugfix',
      triggerProjects: [],
      transitions: {},
      escalationIssueType: 'Bug',
      defaultService: 'unknown',
    });
  });

  it('reads every variable', () => {
    expect(
      jiraConfigFrom({
        JIRA_BASE_URL: 'https://acme.atlassian.net/',
        JIRA_EMAIL: 'bot@acme.com',
        JIRA_API_TOKEN: 'tok',
        JIRA_WEBHOOK_SECRET: 's3cret',
        JIRA_TRIGGER_LABEL: 'autofix',
        JIRA_TRIGGER_PROJECTS: 'sup, QA',
        JIRA_TRANSITIONS: 'suggested=In Progress,pr-opened=In Review, verified = Done ,regressed=Reopened',
        JIRA_ESCALATION_PROJECT: 'ops',
        JIRA_ESCALATION_ISSUE_TYPE: 'Incident',
        JIRA_DEFAULT_SERVICE: 'web',
      }),
    ).toEqual({
      baseUrl: 'https://acme.atlassian.net',
      email: 'bot@acme.com',
      apiToken: 'tok',
      webhookSecret: 's3cret',
      triggerLabel: 'autofix',
      triggerProjects: ['SUP', 'QA'],
      transitions: { suggested: 'In Progress', 'pr-opened': 'In Review', verified: 'Done', regressed: 'Reopened' },
      escalationProject: 'OPS',
      escalationIssueType: 'Incident',
      defaultService: 'web',
    });
  });

  it('reports bad values by variable', () => {
    const problems = problemsOf({
      JIRA_BASE_URL: 'acme.atlassian.net',
      JIRA_TRIGGER_LABEL: 'two words',
      JIRA_TRIGGER_PROJECTS: 'OK,not a key',
      JIRA_TRANSITIONS: 'suggested,shipped=Done',
      JIRA_ESCALATION_PROJECT: '1x',
    });
    expect(problems.join('\n')).toMatch(/JIRA_BASE_URL=/);
    expect(problems.join('\n')).toMatch(/JIRA_EMAIL \/ JIRA_API_TOKEN/);
    expect(problems.join('\n')).toMatch(/JIRA_TRIGGER_LABEL=/);
    expect(problems.join('\n')).toMatch(/JIRA_TRIGGER_PROJECTS: "not a key"/);
    expect(problems.join('\n')).toMatch(/JIRA_TRANSITIONS: "suggested" is not stage=Transition Name/);
    expect(problems.join('\n')).toMatch(/JIRA_TRANSITIONS: unknown stage "shipped"/);
    expect(problems.join('\n')).toMatch(/JIRA_ESCALATION_PROJECT=/);
  });
});
