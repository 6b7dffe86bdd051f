import { ConfigError } from './load-config';

import { JIRA_STAGES, type JiraStage } from '../../../workflows/domain/jira-stages';

export { JIRA_STAGES, type JiraStage };

/**
 * Jira Cloud, both ways. `baseUrl`/`email`/`apiToken` (basic auth with an API token) let runs
 * comment, transition and open issues; `webhookSecret` lets issues start runs.
 */
export interface JiraConfig {
  baseUrl?: string;
  email?: string;
  apiToken?: string;
  webhookSecret?: string;
  /** An issue created with this label (or given it later) starts a run. */
  triggerLabel: string;
  /** Every issue created in these projects (keys) starts a run. */
  triggerProjects: string[];
  /** The transition (by name) each stage applies to the run's issue; stages not listed leave it alone. */
  transitions: Partial<Record<JiraStage, string>>;
  /** Where escalated runs open an issue; unset: they do not. */
  escalationProject?: string;
  escalationIssueType: string;
  /** The service of an issue that names none (no `service:` label, component or line). */
  defaultService: string;
}

type Env = Record<string, string | undefined>;

/** The JIRA_* variables, checked; every problem is reported with its variable. */
export function jiraConfigFrom(env: Env): JiraConfig {
  const problems: string[] = [];
  const str = (name: string) => env[name]?.trim() || undefined;

  const baseUrl = str('JIRA_BASE_URL');
  if (baseUrl && !/^https?:\/\/[^\s/]+/i.test(baseUrl))
    problems.push(
      `JIRA_BASE_URL=${JSON.stringify(baseUrl)}: expected an http(s) URL such as https://acme.atlassian.net`,
    );
  const email = str('JIRA_EMAIL');
  const apiToken = str('JIRA_API_TOKEN');
  if (baseUrl && (!email || !apiToken)) problems.push('JIRA_EMAIL / JIRA_API_TOKEN: set both with JIRA_BASE_URL');

  const triggerLabel = str('JIRA_TRIGGER_LABEL') ?? 'bugfix';
  if (/\s/.test(triggerLabel))
    problems.push(`JIRA_TRIGGER_LABEL=${JSON.stringify(triggerLabel)}: Jira labels cannot contain spaces`);

  const triggerProjects = (str('JIRA_TRIGGER_PROJECTS') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of triggerProjects)
    if (!/^[A-Z][A-Z0-9_]{0,254}$/i.test(p))
      problems.push(`JIRA_TRIGGER_PROJECTS: ${JSON.stringify(p)} is not a project key (such as OPS)`);

  const transitions: Partial<Record<JiraStage, string>> = {};
  for (const pair of (str('JIRA_TRANSITIONS') ?? '').split(',').filter((p) => p.trim())) {
    const eq = pair.indexOf('=');
    const stage = pair.slice(0, eq).trim().toLowerCase();
    const name = pair.slice(eq + 1).trim();
    if (eq < 0 || !name) problems.push(`JIRA_TRANSITIONS: ${JSON.stringify(pair.trim())} is not stage=Transition Name`);
    else if (!(JIRA_STAGES as readonly string[]).includes(stage))
      problems.push(`JIRA_TRANSITIONS: unknown stage ${JSON.stringify(stage)} (one of ${JIRA_STAGES.join(', ')})`);
    else transitions[stage as JiraStage] = name;
  }

  const escalationProject = str('JIRA_ESCALATION_PROJECT');
  if (escalationProject && !/^[A-Z][A-Z0-9_]{0,254}$/i.test(escalationProject))
    problems.push(`JIRA_ESCALATION_PROJECT=${JSON.stringify(escalationProject)}: expected a project key such as OPS`);

  if (problems.length) throw new ConfigError(problems);
  return {
    ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    ...(email ? { email } : {}),
    ...(apiToken ? { apiToken } : {}),
    ...(str('JIRA_WEBHOOK_SECRET') ? { webhookSecret: str('JIRA_WEBHOOK_SECRET') } : {}),
    triggerLabel,
    triggerProjects: triggerProjects.map((p) => p.toUpperCase()),
    transitions,
    ...(escalationProject ? { escalationProject: escalationProject.toUpperCase() } : {}),
    escalationIssueType: str('JIRA_ESCALATION_ISSUE_TYPE') ?? 'Bug',
    defaultService: str('JIRA_DEFAULT_SERVICE') ?? 'unknown',
  };
}

/** What `loadConfig` keeps when the JIRA_* variables are wrong (it reports them and fails anyway). */
export const JIRA_CONFIG_FALLBACK: JiraConfig = {
  triggerLabel: 'bugfix',
  triggerProjects: [],
  transitions: {},
  escalationIssueType: 'Bug',
  defaultService: 'unknown',
};
