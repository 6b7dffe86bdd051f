/**
 * Text from production (and Claude's explanation, derived from it) quoted into a pull request's
 * title, body or commit message: made inert for GitHub, so it cannot ping people or teams
 * (`@team`), close or link issues (`Closes #12`), or pass for the run's own marker line.
 */
const ZWSP = '\u200B';

export function githubInert(text: string): string {
  return text
    .replace(/@(?=[\w-])/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/Bugfix-Run/gi, (m) => `${m.slice(0, 6)}${ZWSP}${m.slice(6)}`);
}

/** `Bugfix-Run: <workflow id>` alone on a line: the line that ties a pull request to its run. */
const MARKER_LINE = /^Bugfix-Run:[ \t]*([A-Za-z0-9_.:-]+)[ \t]*$/gm;

/** The run a pull request body or commit message names: its last marker line, which the pipeline writes last. */
export function workflowIdFromMarker(text: string | null | undefined): string | undefined {
  let last: string | undefined;
  for (const m of (text ?? '').matchAll(MARKER_LINE)) last = m[1];
  return last;
}
