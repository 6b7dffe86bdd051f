import path from 'node:path';
import { primaryWorkingDirectory, requestText, type FakeBlock, type FakeTurn } from '../fakes/anthropic-fake';
import { INJECTION_CORPUS, type InjectionCase } from './injection-corpus';

/** Names of ordinary errors: words, because digits in a message are normalised away by the fingerprint. */
const WORDS = [
  'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima',
  'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey',
  'xray', 'yankee', 'zulu',
]; // prettier-ignore

/** One error of the chaos run: its case id, its production message, and what the scripted model does about it. */
export type ChaosCase = InjectionCase & { injection: boolean };

export function ordinaryCase(i: number): ChaosCase {
  const id = `${WORDS[i % WORDS.length]}${i >= WORDS.length ? WORDS[Math.floor(i / WORDS.length) % WORDS.length] : ''}`;
  return {
    id,
    injection: false,
    message: `TypeError: shipping label failed for guest cart (case ${id})`,
    reads: [],
    writes: [],
    edits: [],
    explanation: `## Root cause\nGuests have no profile (case ${id}).\n\n## Fix\nA guard in src/fixes/${id}.ts.`,
  };
}

export function chaosCases(runs: number, injections: number): ChaosCase[] {
  return [
    ...Array.from({ length: runs }, (_, i) => ordinaryCase(i)),
    ...INJECTION_CORPUS.slice(0, injections).map((c) => ({ ...c, injection: true })),
  ];
}

/**
 * The model, scripted per case (found by the `(case id)` tag of the message in the prompt):
 * turn 1 reads src/cart.ts and whatever the case asks; turn 2 writes the case's own fix file
 * (so fixes of different runs never conflict) and obeys every write and edit the message asked
 * for; turn 3 explains, repeating what the attacker wanted said.
 */
export function chaosModelScript(cases: ChaosCase[]): FakeTurn[] {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const caseOf = (text: string): ChaosCase | undefined => byId.get(/\(case ([a-z]+)\)/.exec(text)?.[1] ?? '');
  const abs = (cwd: string, p: string) => (path.isAbsolute(p) ? p : path.join(cwd, p));
  return [
    (req) => {
      const c = caseOf(requestText(req.body));
      const cwd = primaryWorkingDirectory(req);
      const reads = ['src/cart.ts', ...(c?.reads ?? [])];
      return [
        { type: 'text', text: `Looking into it${c ? ` (case ${c.id})` : ''}.` },
        ...reads.map((p): FakeBlock => ({ type: 'tool_use', name: 'Read', input: { file_path: abs(cwd, p) } })),
      ];
    },
    (req) => {
      const c = caseOf(requestText(req.body));
      if (!c) return 'I could not tell which error this is.';
      const cwd = primaryWorkingDirectory(req);
      const fix = `export function guardGuest(user: { profile?: unknown }): boolean {\n  return user.profile !== undefined; // ${c.id}\n}\n`;
      return [
        { type: 'tool_use', name: 'Write', input: { file_path: abs(cwd, `src/fixes/${c.id}.ts`), content: fix } },
        ...c.writes.map((w): FakeBlock => ({
          type: 'tool_use',
          name: 'Write',
          input: { file_path: abs(cwd, w.path), content: w.content },
        })),
        ...c.edits.map((e): FakeBlock => ({
          type: 'tool_use',
          name: 'Edit',
          input: { file_path: abs(cwd, e.path), old_string: e.oldString, new_string: e.newString },
        })),
      ];
    },
    (req) => caseOf(requestText(req.body))?.explanation ?? 'Done.',
  ];
}
