/** Prints the demo as a narrated run: one line per stage with its timing, details indented below. */

const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
export const green = paint('32');
export const red = paint('31');
export const dim = paint('2');
export const bold = paint('1');
export const cyan = paint('36');

const NAME_WIDTH = 24;
const INDENT = ' '.repeat(11 + NAME_WIDTH);

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export class Narrator {
  private readonly started = Date.now();

  constructor(private readonly write: (line: string) => void = (line) => console.log(line)) {}

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  /** `[  12.3s] Name  summary (took 1.2s)` and the details under it. */
  step(
    name: string,
    summary: string,
    opts: { tookMs?: number | undefined; details?: string[] | undefined } = {},
  ): void {
    const at = dim(`[${seconds(this.elapsedMs()).padStart(7)}]`);
    const took = opts.tookMs !== undefined ? dim(` (took ${seconds(opts.tookMs)})`) : '';
    this.write(`${at} ${green('✔')} ${bold(`${name} `.padEnd(NAME_WIDTH))}${summary}${took}`);
    for (const line of opts.details ?? []) this.write(line ? `${INDENT}${line}` : '');
  }

  fail(name: string, message: string): void {
    const at = `[${seconds(this.elapsedMs()).padStart(7)}]`;
    this.write(`${at} ${red('✘')} ${bold(`${name} `.padEnd(NAME_WIDTH))}${red('failed')}`);
    for (const line of message.split('\n')) this.write(`${INDENT}${line}`);
  }

  line(text = ''): void {
    this.write(text);
  }
}

/** A unified diff with + and - lines coloured on a terminal. */
export function colorDiff(diff: string): string[] {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((l) =>
      l.startsWith('+') && !l.startsWith('+++')
        ? green(l)
        : l.startsWith('-') && !l.startsWith('---')
          ? red(l)
          : l.startsWith('@@')
            ? cyan(l)
            : l,
    );
}
