import type { z } from 'zod';
import type { Config } from '../../infra/platform/config/load-config';
import { configFailure, httpFailure, unavailableFailure } from './cursor-failure';
import {
  agentListSchema,
  agentSchema,
  apiKeyInfoSchema,
  idOnlySchema,
  type CursorAgent,
  type CursorAgentList,
  type CursorApiKeyInfo,
} from './types';

/**
 * A small typed client of Cursor's cloud agents REST API (v0). Cursor's own `@cursor/sdk`
 * speaks Connect RPC rather than this API, needs Node >= 22.13 and bundles telemetry, so the
 * few calls are made with fetch. No retries here: retrying is the activity retry policy's job.
 */

export interface PromptInput {
  text: string;
  images?: { data: string; dimension?: { width: number; height: number } }[];
}

export interface LaunchAgentRequest {
  prompt: PromptInput;
  /** `repository` is the repository's web URL, e.g. https://github.com/acme/shop; `ref` a branch, tag or commit. */
  source: { repository: string; ref?: string };
  target?: { autoCreatePr?: boolean; branchName?: string };
  model?: string;
  /** Cursor requires the secret to be at least 32 characters. */
  webhook?: { url: string; secret?: string };
}

export interface CallOptions {
  /** Aborts the request, e.g. the activity's cancellation signal. */
  signal?: AbortSignal;
}

export interface CursorClient {
  launchAgent(request: LaunchAgentRequest, options?: CallOptions): Promise<CursorAgent>;
  getAgent(id: string, options?: CallOptions): Promise<CursorAgent>;
  /** Newest first; `limit` 1..100 (Cursor's default is 20). */
  listAgents(params?: { limit?: number; cursor?: string }, options?: CallOptions): Promise<CursorAgentList>;
  followup(id: string, prompt: PromptInput, options?: CallOptions): Promise<{ id: string }>;
  stopAgent(id: string, options?: CallOptions): Promise<{ id: string }>;
  deleteAgent(id: string, options?: CallOptions): Promise<{ id: string }>;
  /** Which key this is (name, creation, its user's email): the cheapest call that proves the key works. */
  apiKeyInfo(options?: CallOptions): Promise<CursorApiKeyInfo>;
}

export interface CursorClientOptions {
  /** Per request, including reading the body. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Throws a non-retryable CursorConfigError when CURSOR_API_KEY is not set. */
export function createCursorClient(config: Config['cursor'], options: CursorClientOptions = {}): CursorClient {
  const apiKey = config.apiKey;
  if (!apiKey) throw configFailure('CURSOR_API_KEY is not set');
  const base = config.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call<T>(
    what: string,
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body: unknown,
    callOptions: CallOptions = {},
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callOptions.signal ? AbortSignal.any([callOptions.signal, timeout]) : timeout;
    let status: number;
    let headers: Headers;
    let text: string;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
      ({ status, headers } = res);
      text = await res.text();
    } catch (err) {
      // The caller's cancellation is not an outage: let its reason (the activity's CancelledFailure) through.
      if (callOptions.signal?.aborted) throw callOptions.signal.reason ?? err;
      throw unavailableFailure(what, err);
    }
    if (status < 200 || status >= 300) throw httpFailure(what, status, headers, text);

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw unavailableFailure(what, new Error(`HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw unavailableFailure(
        what,
        new Error(`unexpected answer (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`),
      );
    }
    return parsed.data;
  }

  const agentPath = (id: string) => `/v0/agents/${encodeURIComponent(id)}`;

  return {
    launchAgent: (request, o) => call('launch agent', 'POST', '/v0/agents', agentSchema, request, o),
    getAgent: (id, o) => call(`get agent ${id}`, 'GET', agentPath(id), agentSchema, undefined, o),
    listAgents: (params = {}, o) => {
      const query = new URLSearchParams();
      if (params.limit !== undefined) query.set('limit', String(params.limit));
      if (params.cursor) query.set('cursor', params.cursor);
      const qs = query.size ? `?${query}` : '';
      return call('list agents', 'GET', `/v0/agents${qs}`, agentListSchema, undefined, o);
    },
    followup: (id, prompt, o) =>
      call(`follow up agent ${id}`, 'POST', `${agentPath(id)}/followup`, idOnlySchema, { prompt }, o),
    stopAgent: (id, o) => call(`stop agent ${id}`, 'POST', `${agentPath(id)}/stop`, idOnlySchema, {}, o),
    deleteAgent: (id, o) => call(`delete agent ${id}`, 'DELETE', agentPath(id), idOnlySchema, undefined, o),
    apiKeyInfo: (o) => call('API key info', 'GET', '/v0/me', apiKeyInfoSchema, undefined, o),
  };
}
