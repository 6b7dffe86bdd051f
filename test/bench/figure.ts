/** One figure of a benchmark, next to what it is compared with and the goal it must meet. */
export interface Row {
  figure: string;
  value: number | string;
  baseline: number | string;
  goal: string;
  met: boolean;
}

/** One line of the benchmark suite's table. */
export interface BenchRow extends Row {
  /** dev-server, cluster, or none (the clone path does not touch Temporal). */
  topology: string;
  value: string;
  baseline: string;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['figure', 'topology', 'value', 'baseline', 'goal', 'met'];
  const cells = rows.map((r) => [r.figure, r.topology, r.value, r.baseline, r.goal, r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export const ms = (n: number) => `${Math.round(n)} ms`;
export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
