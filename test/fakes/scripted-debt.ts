import { join } from 'node:path';
import { primaryWorkingDirectory, requestText, type FakeTurn, type RecordedRequest } from './anthropic-fake';
import { triageTurns } from './scripted-triage';

/**
 * A scripted debt scan of test/fixtures/sample-repo, the way the model works through `--json-schema`:
 * it looks at the code (Glob, then Read of `read`), answers through the StructuredOutput tool, then ends the turn.
 * Each scan session takes the next answer of `answers`, computed from the prompt as a model would
 * read it (the previous scan's items and their ids are in it).
 */
export const DEBT_PROMPT_MARK = 'Find the technical debt most worth paying down';

export type DebtAnswer = (prompt: string) => { items: Record<string, unknown>[] };

export function debtScanTurns(answers: DebtAnswer[], read = 'src/server.ts'): FakeTurn[] {
  let scans = 0;
  return [
    (req) => ({
      type: 'tool_use',
      name: 'Glob',
      input: { pattern: 'src/**/*.ts', path: primaryWorkingDirectory(req) },
    }),
    (req) => ({
      type: 'tool_use',
      name: 'Read',
      input: { file_path: join(primaryWorkingDirectory(req), read) },
    }),
    (req) => {
      const answer = answers[Math.min(scans++, answers.length - 1)]!;
      return { type: 'tool_use', name: 'StructuredOutput', input: answer(requestText(req.body)) };
    },
    () => 'Scanned.',
  ];
}

/** The structured-output sessions of a harness: debt scans by their prompt, the rest are the triage's. */
export function structuredTurns(debt: FakeTurn[], triage: FakeTurn[] = triageTurns()): FakeTurn[] {
  const isScan = (req: RecordedRequest) => requestText(req.body).includes(DEBT_PROMPT_MARK);
  const length = Math.max(debt.length, triage.length);
  return Array.from({ length }, (_, i) => (req: RecordedRequest) => {
    const turn = (isScan(req) ? debt : triage)[i];
    if (!turn || turn === 'hang') return 'Script exhausted.';
    return turn(req);
  });
}

/** The id the previous scan gave the item at `file` whose title contains `word`, as the prompt lists it. */
export function previousId(prompt: string, file: string, word: string): string | undefined {
  for (const line of prompt.split('\n')) {
    const m = /^- id ([\w-]+): (\S+):\d+ (.*)$/.exec(line.trim());
    if (m && m[2] === file && m[3]!.toLowerCase().includes(word.toLowerCase())) return m[1];
  }
  return undefined;
}

/** Sample-repo items the scripted model knows. */
export const SAMPLE_DEBT = {
  port: {
    file: 'src/server.ts',
    line: 16,
    title: 'Hard-coded listen port',
    why: 'server.listen(8080) cannot be changed per environment; read the port from PORT.',
    effort: 'S',
    risk: 'low',
  },
  label: {
    file: 'src/cart.ts',
    line: 14,
    title: 'shippingLabel assumes every user has a profile',
    why: 'Guests are stored without a profile (src/users.ts), so reading address throws.',
    effort: 'S',
    risk: 'high',
  },
  cast: {
    file: 'src/users.ts',
    line: 19,
    title: 'Untyped records cast to User',
    why: 'findUser casts unknown records to User: the type promises a profile guests do not have.',
    effort: 'M',
    risk: 'medium',
  },
} as const;

/** The scripted fix of the port item: read src/server.ts, take the port from PORT, explain. */
export const PORT_LINE = 'server.listen(8080);';
export const PORT_FIXED = 'server.listen(Number(process.env.PORT ?? 8080));';

export function portFixTurns(): FakeTurn[] {
  const file = (req: RecordedRequest) => join(primaryWorkingDirectory(req), 'src/server.ts');
  return [
    (req) => [
      { type: 'text', text: 'The item points at src/server.ts line 16.' },
      { type: 'tool_use', name: 'Read', input: { file_path: file(req) } },
    ],
    (req) => ({
      type: 'tool_use',
      name: 'Edit',
      input: { file_path: file(req), old_string: PORT_LINE, new_string: PORT_FIXED },
    }),
    () =>
      [
        '## Root cause',
        '`src/server.ts:16` listens on the literal 8080.',
        '',
        '## Fix',
        'Read the port from `PORT`, defaulting to 8080.',
        '',
        '## Risk',
        'None beyond a wrong PORT value.',
      ].join('\n'),
  ];
}
