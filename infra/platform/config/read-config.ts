import { readFileSync, statSync } from 'node:fs';
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
  const config = loadConfig(json, env, { escalationPolicies: readEscalationPolicies(env) });
  // Relative paths in the configuration are relative to the repository, not the cwd.
  config.devServer.dbFilename = path.resolve(repoRoot, config.devServer.dbFilename);
  config.git.cacheDir = path.resolve(repoRoot, config.git.cacheDir);
  return config;
}

/** ESCALATION_POLICY_FILE's text (relative to the repository), for loadConfig to parse; bounded, as a config file is small. */
function readEscalationPolicies(env: NodeJS.ProcessEnv): string | undefined {
  const name = env.ESCALATION_POLICY_FILE?.trim();
  if (!name) return undefined;
  const file = path.resolve(repoRoot, name);
  try {
    if (statSync(file).size > 1_000_000) throw new Error('larger than 1 MB');
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`ESCALATION_POLICY_FILE (${name}): ${(err as Error).message}`]);
  }
}
