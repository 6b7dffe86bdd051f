import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/platform/config/read-config';

/** The determinism rules the build enforces on workflow code, checked against code that breaks them. */
describe('workflow lint', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const lint = async (code: string, file = 'workflows/example.ts') => {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
    return result!.messages.map((m) => m.ruleId);
  };

  it.each([
    ["import fs from 'node:fs';\nexport const x = fs;", '@typescript-eslint/no-restricted-imports'],
    ["import { randomUUID } from 'crypto';\nexport const x = randomUUID;", '@typescript-eslint/no-restricted-imports'],
    ["import { createActivities } from '../activities';\nexport const x = createActivities;", '@typescript-eslint/no-restricted-imports'],
    ["import { Client } from '@temporalio/client';\nexport const x = Client;", '@typescript-eslint/no-restricted-imports'],
    ['export const x = Math.random();', 'no-restricted-properties'],
    ['export const x = process.env.TOKEN;', 'no-restricted-globals'],
  ])('rejects %j', async (code, rule) => {
    expect(await lint(code)).toContain(rule);
  });

  it('allows type-only activity imports and the SDK', async () => {
    const ok = "import type { PipelineActivities } from '../activities';\nimport { proxyActivities } from '@temporalio/workflow';\nexport const a = proxyActivities<PipelineActivities>({ startToCloseTimeout: '1m' });";
    expect(await lint(ok)).toEqual([]);
  });

  it('the same code outside workflows/ is fine', async () => {
    expect(await lint("import fs from 'node:fs';\nexport const x = fs;", 'activities/example.ts')).toEqual([]);
  });
});
