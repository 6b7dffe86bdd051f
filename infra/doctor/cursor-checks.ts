import { ApplicationFailure } from '@temporalio/common';
import { CursorFailureType } from '../../workflows/domain/failures';
import { createCursorClient } from '../../activities/cursor/client';
import type { Config } from '../platform/config/load-config';
import { fail, messageOf, ok, skip, warn, type DoctorCheck, type Outcome } from './check';
import { configCheck } from './config-check';

const REACH_HINT = 'check CURSOR_API_URL (unset for https://api.cursor.com) and the network path to Cursor';

const notUsed = (config: Config): Outcome | undefined =>
  config.fix.applyMode === 'direct' ? skip('FIX_APPLY_MODE=direct: Cursor is not used') : undefined;

export function cursorChecks(): DoctorCheck[] {
  return [
    {
      id: 'cursor.key',
      group: 'cursor',
      fast: false,
      timeoutHint: REACH_HINT,
      precondition: (config) =>
        notUsed(config) ??
        (config.cursor.apiKey
          ? undefined
          : fail(
              `CURSOR_API_KEY is not set (FIX_APPLY_MODE=${config.fix.applyMode})`,
              'set CURSOR_API_KEY (Cursor dashboard → Integrations → API Keys), or FIX_APPLY_MODE=direct',
            )),
      async run({ config, signal, timeoutMs }) {
        try {
          const me = await createCursorClient(config.cursor, { timeoutMs }).apiKeyInfo({ signal });
          return ok(
            `API key ${me.apiKeyName ? `"${me.apiKeyName}" ` : ''}valid${me.userEmail ? ` (${me.userEmail})` : ''}`,
          );
        } catch (err) {
          if (err instanceof ApplicationFailure && err.type === CursorFailureType.Auth)
            return fail(
              `GET /v0/me: ${messageOf(err).replace(/\. Check CURSOR_API_KEY.*$/, '')}`,
              'set CURSOR_API_KEY to a valid key',
            );
          return fail(`GET /v0/me: ${messageOf(err)}`, REACH_HINT);
        }
      },
    },
    configCheck(
      'cursor.webhook-secret',
      'cursor',
      (config) =>
        notUsed(config) ??
        (config.cursor.webhookSecret
          ? ok('CURSOR_WEBHOOK_SECRET is set')
          : warn(
              'CURSOR_WEBHOOK_SECRET is not set: agents report back by polling only (POLL_INTERVAL)',
              'set CURSOR_WEBHOOK_SECRET (at least 32 characters) so agents call back when they finish',
            )),
    ),
  ];
}
