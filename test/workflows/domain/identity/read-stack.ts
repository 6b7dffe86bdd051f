import { readFileSync } from 'node:fs';

/** A trace from test/fixtures/stacks/. */
export function readStack(name: string): string {
  return readFileSync(new URL(`../../../fixtures/stacks/${name}`, import.meta.url), 'utf8');
}

/** What a redeploy does to a trace: every line number (`:42`, `line 42`) moves. */
export function shiftLineNumbers(stack: string, delta: number): string {
  return stack.replace(/(:|line )(\d+)/g, (_m, prefix: string, n: string) => `${prefix}${Number(n) + delta}`);
}

export function replaceAll(stack: string, from: string, to: string): string {
  return stack.split(from).join(to);
}

export const ALL_STACKS = [
  ['dotnet-async.txt', 'dotnet'],
  ['dotnet-inner.txt', 'dotnet'],
  ['java-caused-by.txt', 'java'],
  ['java-npe.txt', 'java'],
  ['python-django.txt', 'python'],
  ['python-chained.txt', 'python'],
  ['node-typeerror.txt', 'node'],
  ['node-cause.txt', 'node'],
  ['go-nil-pointer.txt', 'go'],
  ['go-custom-panic.txt', 'go'],
  ['ruby-nomethod.txt', 'ruby'],
  ['ruby-rails.txt', 'ruby'],
] as const;
