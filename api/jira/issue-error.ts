import { adfCodeBlocks, adfToText } from '../../workflows/domain/adf';
import { parseErrorStack } from '../../workflows/domain/identity/fingerprint';
import type { JiraIssue } from './parse-event';

/** What a Jira issue reports, as the fingerprint reads an error. */
export interface IssueError {
  service: string;
  message: string;
  stack?: string;
  /** Where the service came from, for the answer and the logs. */
  serviceFrom: 'label' | 'component' | 'description' | 'default';
}

const MAX_MESSAGE = 2_000;
const MAX_STACK = 16_000;
const MAX_SERVICE = 200;

/**
 * The error an issue describes. A stack trace in a code block (or a paragraph) wins: its first line
 * is the message, as when Datadog carries a stack, so the same error fingerprints the same; else
 * a code block's first line (a log excerpt); else the summary. Jira text is untrusted: bounded.
 */
export function issueErrorOf(issue: JiraIssue, defaultService: string): IssueError {
  const description = issue.fields.description;
  const text = typeof description === 'string' ? description.slice(0, 20_000) : adfToText(description);
  const blocks = typeof description === 'string' ? wikiCodeBlocks(text) : adfCodeBlocks(description);
  const paragraphs = text.split(/\n\s*\n/).filter((p) => !p.startsWith('```'));

  const traced = [...blocks, ...paragraphs].find((c) => parseErrorStack(c.slice(0, MAX_STACK)).frames.length > 0);
  const excerpt = traced ?? blocks.find((b) => b.trim());
  const firstLine = excerpt
    ?.split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  const message = (firstLine ?? issue.fields.summary.trim()).slice(0, MAX_MESSAGE) || `Jira issue ${issue.key}`;
  return {
    ...serviceOf(issue, text, defaultService),
    message,
    ...(traced ? { stack: traced.trim().slice(0, MAX_STACK) } : {}),
  };
}

function serviceOf(issue: JiraIssue, text: string, fallback: string): Pick<IssueError, 'service' | 'serviceFrom'> {
  const cut = (s: string) => s.trim().slice(0, MAX_SERVICE);
  const label = issue.fields.labels.find((l) => /^service:.+/i.test(l));
  if (label) return { service: cut(label.slice('service:'.length)), serviceFrom: 'label' };
  const component = issue.fields.components?.find((c) => c.name.trim());
  if (component) return { service: cut(component.name), serviceFrom: 'component' };
  const line = /^[ \t]*service[ \t]*:[ \t]*([\w.\-/]+)[ \t]*$/im.exec(text);
  if (line) return { service: cut(line[1]!), serviceFrom: 'description' };
  return { service: fallback, serviceFrom: 'default' };
}

/** `{code}`, `{code:lang}` and `{noformat}` blocks of wiki markup, and ``` fences. */
function wikiCodeBlocks(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\{(code|noformat)(?::[^}]*)?\}([\s\S]*?)\{\1\}|```[^\n]*\n([\s\S]*?)```/g))
    if (found.push((m[2] ?? m[3] ?? '').replace(/^\n+/, '')) >= 20) break;
  return found;
}
