/** A scenario of the demo with a worker and an API of its own: its own task queue, clone store and model script. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAnthropicFake, type FakeTurn } from '../fakes/anthropic-fake';
import { scriptedFixTurns } from '../fakes/scripted-fix';
import { triageTurns } from '../fakes/scripted-triage';
import type { Config } from '../../infra/platform/config/load-config';
import { startApi, startWorker } from './services';
import type { PipelineContext, StageOutcome } from './context';

/**
 * A worker and an API of their own around `body`, with the configuration `configure` makes of the demo's.
 * The model plays `turns` in coding sessions and `classifier` in structured-output ones (triage, debt scans).
 */
export async function withServices(
  ctx: PipelineContext,
  name: string,
  configure: (base: Config, anthropicUrl: string) => Config,
  body: (config: Config, apiUrl: string) => Promise<StageOutcome>,
  turns: FakeTurn[] = scriptedFixTurns(),
  classifier: FakeTurn[] = triageTurns(),
): Promise<StageOutcome> {
  const workRoot = await mkdtemp(path.join(os.tmpdir(), `demo-${name}-`));
  const anthropic = await startAnthropicFake(turns, { byConversation: true, classifier });
  const base = ctx.config;
  const config = configure(
    {
      ...base,
      temporal: { ...base.temporal, taskQueue: `${base.temporal.taskQueue}-${name}` },
      api: { ...base.api, port: 0 },
      git: { ...base.git, cacheDir: path.join(workRoot, 'repos') },
      claude: { ...base.claude, anthropicBaseUrl: anthropic.url },
    },
    anthropic.url,
  );
  const worker = await startWorker(config, ctx.client, path.join(workRoot, 'work'));
  const api = await startApi(config);
  try {
    return await body(config, api.url);
  } finally {
    await api.close();
    await worker.stop();
    await anthropic.close();
    await rm(workRoot, { recursive: true, force: true });
  }
}
