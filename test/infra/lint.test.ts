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
    [
      "import { createActivities } from '../activities';\nexport const x = createActivities;",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      "import { Client } from '@temporalio/client';\nexport const x = Client;",
      '@typescript-eslint/no-restricted-imports',
    ],
    ['export const x = Math.random();', 'no-restricted-properties'],
    ['export const x = process.env.TOKEN;', 'no-restricted-globals'],
  ])('rejects %j', async (code, rule) => {
    expect(await lint(code)).toContain(rule);
  });

  it('allows type-only activity imports and the SDK', async () => {
    const ok =
      "import type { PipelineActivities } from '../activities';\nimport { proxyActivities } from '@temporalio/workflow';\nexport const a = proxyActivities<PipelineActivities>({ startToCloseTimeout: '1m' });";
    expect(await lint(ok)).toEqual([]);
  });

  it('the same code outside workflows/ is fine', async () => {
    expect(await lint("import fs from 'node:fs';\nexport const x = fs;", 'activities/example.ts')).toEqual([]);
  });
});

/** The layer rule: imports only go down (README: Architecture). */
describe('layer lint', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const layerErrors = async (code: string, file: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
    return result!.messages.filter((m) => m.ruleId === 'project/layers').map((m) => m.message);
  };

  it.each([
    [
      'workflows/domain/planted.ts',
      "import { createApp } from '../../api/create-app';\nexport const x = createApp;",
      'the ingress',
    ],
    [
      'workflows/domain/planted.ts',
      "import type { RunState } from '../run-state';\nexport type X = RunState;",
      'the workflows',
    ],
    [
      'infra/platform/planted.ts',
      "import { createActivities } from '../../activities';\nexport const x = createActivities;",
      'the adapters',
    ],
    [
      'activities/slack/planted.ts',
      "import { markerFor } from '../../workflows/steps/open-pull-request';\nexport const x = markerFor;",
      'the workflows',
    ],
    ['activities/planted.ts', "export { startPipeline } from '../test/support/pipeline';", 'the tests'],
    ['api/planted.ts', "const cli = await import('../infra/cli/program');\nexport const x = cli;", 'the tools'],
    [
      'infra/cli/planted.ts',
      "import { startSlackFake } from '../../test/fakes/slack-fake';\nexport const x = startSlackFake;",
      'the tests',
    ],
  ])('%s importing upward is refused: %j', async (file, code, layer) => {
    const errors = await layerErrors(code, file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`in ${layer}: imports only go down the layers`);
  });

  it('imports down the layers and within one are fine', async () => {
    expect(
      await layerErrors(
        "import { fingerprintError } from '../../workflows/domain/identity/fingerprint';\nexport const x = fingerprintError;",
        'api/planted.ts',
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        "import { loadConfig } from '../../infra/platform/config/load-config';\nexport const x = loadConfig;",
        'activities/slack/planted.ts',
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        "import { createApp } from '../../api/create-app';\nexport const x = createApp;",
        'test/support/planted.ts',
      ),
    ).toEqual([]);
  });

  it('the whole tree keeps to the layers', async () => {
    const results = await eslint.lintFiles(['workflows', 'activities', 'api', 'workers', 'infra', 'test']);
    const upward = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'project/layers')
        .map((m) => `${path.relative(repoRoot, r.filePath)}: ${m.message}`),
    );
    expect(upward).toEqual([]);
  });
});
