import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './load-config';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Reads `temporal.config.json` (or `TEMPORAL_CONFIG_FILE`) and the process environment. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = path.resolve(repoRoot, env.TEMPORAL_CONFIG_FILE ?? 'temporal.config.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${path.relative(repoRoot, file)}: ${(err as Error).message}`]);
  }
  const config = loadConfig(json, env);
  // Relative paths in the configuration are relative to the repository, not the cwd.
  config.devServer.dbFilename = path.resolve(repoRoot, config.devServer.dbFilename);
  config.git.cacheDir = path.resolve(repoRoot, config.git.cacheDir);
  return config;
}
