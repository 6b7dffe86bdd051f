import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the Anthropic Messages API, enough for the real Claude Code CLI
 * to run a scripted session offline (ANTHROPIC_BASE_URL=fake.url).
 *
 * Requests that offer tools are the agent's turns: each consumes the next entry of
 * the script. Other /v1/messages calls (titles, quota probes) are answered with a
 * short text and consume nothing. `GET /v1/models` lists published models and `GET /v1/models/{id}` finds one by id or alias, as the Models API does.
 * With `apiKey`, a request carrying another `x-api-key` gets the API's 401 authentication_error.
 */

export type FakeBlock =
  { type: 'text'; text: string } | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: MessagesBody | undefined;
  /** True when this request consumed a scripted turn. */
  scripted: boolean;
}

/** The parts of a Messages API request body the tests look at. */
export interface MessagesBody {
  model?: string;
  stream?: boolean;
  system?: string | { type: string; text: string }[];
  tools?: { name: string }[];
  messages?: {
    role: string;
    content: string | { type: string; text?: string; content?: unknown; tool_use_id?: string }[];
  }[];
  [key: string]: unknown;
}

/** One agent turn: computes the answer from the request, or hangs forever. */
export type FakeTurn = ((req: RecordedRequest) => FakeBlock[] | FakeBlock | string) | 'hang';

export interface AnthropicFake {
  url: string;
  requests: RecordedRequest[];
  /** Only the requests that consumed a scripted turn. */
  turnRequests(): RecordedRequest[];
  /** Resolves when a 'hang' turn has been reached (the CLI is now waiting on the fake). */
  hung: Promise<void>;
  close(): Promise<void>;
}

/** The system prompt as one string. */
export function systemText(body: MessagesBody | undefined): string {
  const s = body?.system;
  if (!s) return '';
  return typeof s === 'string' ? s : s.map((b) => b.text ?? '').join('\n');
}

/** All the text of a request (system prompt and every message), for assertions on what reached the model. */
export function requestText(body: MessagesBody | undefined): string {
  const parts = [systemText(body)];
  const collect = (c: unknown): void => {
    if (typeof c === 'string') parts.push(c);
    else if (Array.isArray(c)) c.forEach(collect);
    else if (c && typeof c === 'object') {
      const block = c as { text?: unknown; content?: unknown };
      if (typeof block.text === 'string') parts.push(block.text);
      if (block.content !== undefined) collect(block.content);
    }
  };
  for (const m of body?.messages ?? []) collect(m.content);
  return parts.join('\n');
}

/** `Primary working directory: <path>` from the CLI's environment section. */
export function primaryWorkingDirectory(req: RecordedRequest): string {
  const m = /Primary working directory: (.+)$/m.exec(requestText(req.body));
  if (!m?.[1]) throw new Error('no "Primary working directory" in the request');
  return m[1].trim();
}

/** Tools the CLI announces as loadable on demand (through ToolSearch) rather than in `tools`. */
export function deferredToolNames(req: RecordedRequest): string[] {
  const m = /deferred tools are now available[^\n]*\n((?:[A-Za-z0-9_]+\n?)+)/.exec(requestText(req.body));
  return m?.[1] ? m[1].split('\n').filter(Boolean) : [];
}

export function toolNames(req: RecordedRequest): string[] {
  return (req.body?.tools ?? []).map((t) => t.name);
}

/**
 * `byConversation`: pick the turn from the conversation itself (the number of assistant
 * messages so far) instead of a global counter, so several CLI sessions can run at once,
 * each going through the same script. `turnDelayMs`: how long each scripted turn takes.
 * `classifier`: the script of structured-output sessions (those offered the StructuredOutput tool,
 * i.e. the triage), kept apart from the fix sessions' script; always by conversation.
 */
export async function startAnthropicFake(
  script: FakeTurn[],
  opts: { byConversation?: boolean; turnDelayMs?: number; classifier?: FakeTurn[]; apiKey?: string } = {},
): Promise<AnthropicFake> {
  const requests: RecordedRequest[] = [];
  const pending = new Set<ServerResponse>();
  let next = 0;
  let seq = 0;
  let onHang: () => void = () => {};
  const hung = new Promise<void>((resolve) => (onHang = resolve));

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: MessagesBody | undefined;
      try {
        body = raw ? (JSON.parse(raw) as MessagesBody) : undefined;
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const isMessages = req.method === 'POST' && path === '/v1/messages';
      const scripted = isMessages && (body?.tools?.length ?? 0) > 0;
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        scripted,
      };
      requests.push(rec);

      if (opts.apiKey !== undefined && req.headers['x-api-key'] !== opts.apiKey) {
        res.writeHead(401, { 'content-type': 'application/json', 'request-id': 'req_fake' });
        return void res.end(
          JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
        );
      }
      if (path === '/v1/messages/count_tokens') return json(res, { input_tokens: Math.ceil(raw.length / 4) });
      if (path === '/v1/models' && req.method === 'GET') {
        const limit = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('limit') ?? 20);
        const data = MODELS.slice(0, limit).map(modelJson);
        return json(res, { data, has_more: limit < MODELS.length, first_id: data[0]?.id, last_id: data.at(-1)?.id });
      }
      const byId = /^\/v1\/models\/([^/]+)$/.exec(path);
      if (byId && req.method === 'GET') {
        // "Get a Model": by id or alias; an unknown one is a 404 not_found_error.
        const asked = decodeURIComponent(byId[1]!);
        const model = MODELS.find((m) => m.id === asked || m.alias === asked);
        if (model) return json(res, modelJson(model));
        res.writeHead(404, { 'content-type': 'application/json', 'request-id': 'req_fake' });
        return void res.end(
          JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `model: ${asked}` } }),
        );
      }
      if (!isMessages) return json(res, {});

      let blocks: FakeBlock[];
      if (scripted) {
        const classifying = opts.classifier && toolNames(rec).includes('StructuredOutput');
        const assistantTurns = (body?.messages ?? []).filter((m) => m.role === 'assistant').length;
        const index = classifying || opts.byConversation ? assistantTurns : next++;
        const turn = classifying ? opts.classifier![index] : script[index];
        if (turn === 'hang') {
          pending.add(res);
          res.on('close', () => pending.delete(res));
          onHang();
          return;
        }
        const out = turn ? turn(rec) : 'Script exhausted.';
        blocks = typeof out === 'string' ? [{ type: 'text', text: out }] : Array.isArray(out) ? out : [out];
      } else {
        blocks = [{ type: 'text', text: 'ok' }];
      }
      const message = messageOf(blocks, body?.model ?? 'claude-fake', `msg_fake_${++seq}`);
      // A slow model, so a test can act while a session is in the middle of its turns.
      setTimeout(
        () => {
          if (res.destroyed) return;
          if (body?.stream) stream(res, message);
          else json(res, message);
        },
        scripted ? (opts.turnDelayMs ?? 0) : 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    turnRequests: () => requests.filter((r) => r.scripted),
    hung,
    close: async () => {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: (
    { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  )[];
  stop_reason: 'tool_use' | 'end_turn';
  stop_sequence: null;
  usage: { input_tokens: number; output_tokens: number };
}

function messageOf(blocks: FakeBlock[], model: string, id: string): Message {
  let n = 0;
  const content = blocks.map((b) =>
    b.type === 'text'
      ? b
      : { type: 'tool_use' as const, id: b.id ?? `toolu_fake_${id}_${++n}`, name: b.name, input: b.input },
  );
  const stop_reason = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason,
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 50 },
  };
}

/** Models the Models API lists, newest first as it does (ids and aliases as Anthropic publishes them), and the fake's own. */
const MODELS: { id: string; alias?: string; name: string; created: string }[] = [
  {
    id: 'claude-haiku-4-5-20251001',
    alias: 'claude-haiku-4-5',
    name: 'Claude Haiku 4.5',
    created: '2025-10-01T00:00:00Z',
  },
  {
    id: 'claude-sonnet-4-5-20250929',
    alias: 'claude-sonnet-4-5',
    name: 'Claude Sonnet 4.5',
    created: '2025-09-29T00:00:00Z',
  },
  {
    id: 'claude-opus-4-1-20250805',
    alias: 'claude-opus-4-1',
    name: 'Claude Opus 4.1',
    created: '2025-08-05T00:00:00Z',
  },
  { id: 'claude-fake', name: 'Claude Fake', created: '2025-01-01T00:00:00Z' },
];
const modelJson = (m: (typeof MODELS)[number]) => ({
  type: 'model',
  id: m.id,
  display_name: m.name,
  created_at: m.created,
});

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
  res.end(JSON.stringify(value));
}

/** The Messages API's SSE event sequence for one complete message. */
function stream(res: ServerResponse, m: Message): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('message_start', {
    type: 'message_start',
    message: { ...m, content: [], stop_reason: null, usage: { input_tokens: m.usage.input_tokens, output_tokens: 1 } },
  });
  m.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: block.text },
      });
    } else {
      send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      send('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  });
  send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: m.stop_reason, stop_sequence: null },
    usage: { output_tokens: m.usage.output_tokens },
  });
  send('message_stop', { type: 'message_stop' });
  res.end();
}
