import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API on 127.0.0.1 speaking the real wire format (form-encoded or JSON POSTs to
 * /api/<method>, Bearer token, `{ok:false,error}` answers, 429 + Retry-After), so tests drive
 * the real @slack/web-api client against it. Point the client at `apiUrl`.
 */

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** When the fake received it (ms since the epoch): what a latency is measured to. */
  postedAt?: number;
  /** How many times chat.update changed it. */
  edits: number;
  /** Set for messages people wrote (`postAsUser`); the bot's own have none. */
  user?: string;
  /** Files shared with the message (files.completeUploadExternal), with what was uploaded. */
  files?: { id: string; name: string; title: string; content: string }[];
}
export interface FakeEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
}
export interface FakeResponse {
  id: string;
  body: Record<string, unknown>;
}
export interface FakeView {
  trigger_id: string;
  view: Record<string, unknown>;
}
export interface FakeChannel {
  id: string;
  name: string;
  isMember?: boolean;
  /** A private channel (ids starting with G are private too): its reads need the `groups:` scopes. */
  isPrivate?: boolean;
}
/** `applied`: do the call, then answer 500, as when Slack's answer is lost on the way back. */
export type FakeFailure = { status: 429; retryAfter: number } | { status: 500; applied?: boolean };

type Params = Record<string, unknown>;
export interface SlackFakeOptions {
  token?: string;
  channels?: FakeChannel[];
  /** The bot token's scopes (default DEFAULT_BOT_SCOPES), e.g. without `files:write` for an app installed from an old manifest. */
  scopes?: string[];
}
type Answer = Record<string, unknown>;

const BOT = { user_id: 'U0BUGFIXBOT', bot_id: 'B0BUGFIX01', app_id: 'A0BUGFIX01', team_id: 'T0TEAM0001' };

/** What the app of infra/slack/manifest.yaml is granted: every scope the pipeline's calls need. */
export const DEFAULT_BOT_SCOPES = [
  'chat:write',
  'chat:write.public',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
  'files:write',
];

/**
 * The bot-token scope each method needs, as Slack's method reference lists it; for the conversation
 * methods the public channel's scope, its `groups:` twin for a private one. Unlisted methods need none.
 */
const METHOD_SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.list': 'channels:read',
  'conversations.info': 'channels:read',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};

export class SlackFake {
  readonly token: string;
  readonly calls: { method: string; params: Params }[] = [];
  private readonly all: FakeMessage[] = [];
  private readonly ephemeralLog: FakeEphemeral[] = [];
  private readonly responseLog: FakeResponse[] = [];
  private readonly viewLog: FakeView[] = [];
  /** files.getUploadURLExternal reservations and the bytes later sent to their upload URL. */
  private readonly uploads = new Map<string, { filename: string; length: number; content?: string }>();
  private readonly failures = new Map<string, FakeFailure[]>();
  private readonly channels: FakeChannel[];
  /** The token's granted scopes: sent in `x-oauth-scopes` on every answer, and enforced (`missing_scope`). */
  private readonly scopes: string[];
  private seq = 0;
  /** Until this time (ms) every call answers 503, as during a Slack incident. */
  private outageUntil = 0;
  private readonly epoch = Math.floor(Date.now() / 1000);
  private url = '';

  private constructor(
    private readonly server: Server,
    options: SlackFakeOptions,
  ) {
    this.token = options.token ?? 'xoxb-fake-token';
    this.channels = options.channels ?? [{ id: 'C0BUGS0001', name: 'bugs' }];
    this.scopes = options.scopes ?? DEFAULT_BOT_SCOPES;
  }

  static async start(options: SlackFakeOptions = {}): Promise<SlackFake> {
    const server = createServer();
    const fake = new SlackFake(server, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Base URL for the WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }
  get baseUrl(): string {
    return this.url;
  }
  /** A response_url as found in an interaction payload. */
  responseUrl(id: string): string {
    return `${this.url}/respond/${encodeURIComponent(id)}`;
  }

  /** Makes the next `times` calls of `method` ('respond' for response_urls) fail. */
  failNext(method: string, failure: FakeFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  /** For `ms` from now every call answers 503 `{ok:false,error:'service_unavailable'}` and does nothing. */
  outage(ms: number): void {
    this.outageUntil = Date.now() + ms;
  }

  /** Top-level messages, oldest first. */
  messages(channel?: string): FakeMessage[] {
    return this.all.filter((m) => !m.thread_ts && (!channel || m.channel === channel));
  }
  /** Replies in the thread of `threadTs`, oldest first. */
  replies(threadTs: string): FakeMessage[] {
    return this.all.filter((m) => m.thread_ts === threadTs);
  }
  ephemerals(): FakeEphemeral[] {
    return [...this.ephemeralLog];
  }
  responses(id?: string): FakeResponse[] {
    return this.responseLog.filter((r) => !id || r.id === id);
  }
  /** Modals opened with views.open. */
  openedViews(): FakeView[] {
    return [...this.viewLog];
  }
  callCount(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return send(405, { ok: false, error: 'method_not_allowed' });
    if (Date.now() < this.outageUntil) return send(503, { ok: false, error: 'service_unavailable' });

    // The upload URL files.getUploadURLExternal hands out: Slack answers 200 with "OK - <bytes>".
    const upload = /^\/upload\/([^/]+)$/.exec(path);
    if (upload) {
      const reserved = this.uploads.get(upload[1]!);
      if (!reserved) return send(404, { ok: false, error: 'file_not_found' });
      // The bytes come raw or as the one file of a multipart form (what @slack/web-api sends).
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) {
        const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
        const file = [...form.values()].find((v) => typeof v !== 'string');
        reserved.content = file && typeof file !== 'string' ? await file.text() : '';
      } else reserved.content = raw;
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`OK - ${Buffer.byteLength(reserved.content ?? '')}`);
    }
    const respond = /^\/respond\/([^/]+)$/.exec(path);
    const api = /^\/api\/([\w.]+)$/.exec(path);
    const method = respond ? 'respond' : api?.[1];
    if (!method) return send(404, { ok: false, error: 'unknown_method' });

    const failure = this.failures.get(method)?.shift();
    if (failure?.status === 429)
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
    if (failure && !failure.applied) return send(500, { ok: false, error: 'internal_error' });

    let answer: Answer;
    let scopeHeaders: Record<string, string> = {};
    if (respond) {
      this.responseLog.push({
        id: decodeURIComponent(respond[1] ?? ''),
        body: JSON.parse(raw || '{}') as Record<string, unknown>,
      });
      answer = { ok: true };
    } else {
      const params = parseBody(raw, req.headers['content-type']);
      this.calls.push({ method, params });
      const unauthorized = this.authorize(req, params);
      if (unauthorized) answer = unauthorized;
      else {
        // Slack reports the token's scopes, and those the method accepts, on every authenticated answer.
        const needed = this.neededScope(method, params);
        scopeHeaders = {
          'x-oauth-scopes': this.scopes.join(','),
          ...(needed ? { 'x-accepted-oauth-scopes': needed } : {}),
        };
        answer =
          needed && !this.scopes.includes(needed)
            ? { ok: false, error: 'missing_scope', needed, provided: this.scopes.join(',') }
            : this.dispatch(method, params);
      }
    }
    if (failure) return send(500, { ok: false, error: 'internal_error' });
    send(200, answer, scopeHeaders);
  }

  private authorize(req: IncomingMessage, params: Params): Answer | undefined {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ')
      ? header.slice(7)
      : typeof params.token === 'string'
        ? params.token
        : undefined;
    if (!token) return { ok: false, error: 'not_authed' };
    return token === this.token ? undefined : { ok: false, error: 'invalid_auth' };
  }

  /** The scope `method` needs; a conversation method on a private channel needs the `groups:` one. */
  private neededScope(method: string, p: Params): string | undefined {
    const scope = METHOD_SCOPES[method];
    if (!scope?.startsWith('channels:')) return scope;
    const ch = this.channel(p.channel, false);
    return ch && isPrivate(ch) ? scope.replace('channels:', 'groups:') : scope;
  }

  private dispatch(method: string, p: Params): Answer {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'bugfix',
          team_id: BOT.team_id,
          user_id: BOT.user_id,
          bot_id: BOT.bot_id,
        };
      case 'chat.postMessage':
        return this.postMessage(p);
      case 'chat.update': {
        const m = this.all.find((x) => x.channel === p.channel && x.ts === p.ts);
        if (!m) return { ok: false, error: this.channel(p.channel, true) ? 'message_not_found' : 'channel_not_found' };
        const invalid = checkBlocks(p.blocks);
        if (invalid) return invalid;
        if (typeof p.text === 'string') m.text = p.text;
        if (Array.isArray(p.blocks)) m.blocks = p.blocks;
        if (isMetadata(p.metadata)) m.metadata = p.metadata;
        m.edits++;
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text, message: this.wire(m, true) };
      }
      case 'chat.postEphemeral': {
        const ch = this.channel(p.channel, false);
        if (!ch) return { ok: false, error: 'channel_not_found' };
        this.ephemeralLog.push({
          channel: ch.id,
          user: String(p.user),
          text: p.text as string | undefined,
          blocks: p.blocks as unknown[] | undefined,
        });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'chat.getPermalink': {
        const m = this.all.find((x) => x.channel === p.channel && x.ts === p.message_ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        return {
          ok: true,
          channel: m.channel,
          permalink: `https://acme.slack.com/archives/${m.channel}/p${m.ts.replace('.', '')}`,
        };
      }
      case 'views.open': {
        if (typeof p.trigger_id !== 'string' || !p.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
        if (typeof p.view !== 'object' || p.view === null) return { ok: false, error: 'invalid_arguments' };
        this.viewLog.push({ trigger_id: p.trigger_id, view: p.view as Record<string, unknown> });
        return { ok: true, view: { id: `V${this.nextTs().replace('.', '')}`, ...(p.view as object) } };
      }
      case 'conversations.list':
        return {
          ok: true,
          channels: this.channels.map((c) => ({
            id: c.id,
            name: c.name,
            is_channel: true,
            is_member: c.isMember !== false,
          })),
          response_metadata: { next_cursor: '' },
        };
      case 'conversations.history':
      case 'conversations.replies':
        return this.read(method, p);
      case 'conversations.info': {
        // A private channel the bot is not in does not exist for it, as on Slack.
        const ch = this.channel(p.channel, true);
        if (!ch || (isPrivate(ch) && ch.isMember === false)) return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: {
            id: ch.id,
            name: ch.name,
            is_channel: !isPrivate(ch),
            is_group: false,
            is_im: false,
            is_private: isPrivate(ch),
            is_archived: false,
            is_member: ch.isMember !== false,
            created: this.epoch,
          },
        };
      }
      case 'files.getUploadURLExternal': {
        const length = Number(p.length);
        if (typeof p.filename !== 'string' || !p.filename || !(length > 0))
          return { ok: false, error: 'invalid_arguments' };
        const fileId = `F${this.nextTs().replace('.', '')}`;
        this.uploads.set(fileId, { filename: p.filename, length });
        return { ok: true, upload_url: `${this.apiUrl.replace(/\/api\/?$/, '')}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return this.completeUpload(p);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(p: Params): Answer {
    const ch = this.channel(p.channel, false);
    if (!ch) return { ok: false, error: 'channel_not_found' };
    if (typeof p.text !== 'string' && !Array.isArray(p.blocks)) return { ok: false, error: 'no_text' };
    const invalid = checkBlocks(p.blocks);
    if (invalid) return invalid;
    if (p.metadata !== undefined && !isMetadata(p.metadata)) return { ok: false, error: 'invalid_metadata_format' };
    const m: FakeMessage = {
      channel: ch.id,
      ts: this.nextTs(),
      text: p.text as string | undefined,
      edits: 0,
      postedAt: Date.now(),
    };
    if (typeof p.thread_ts === 'string') m.thread_ts = p.thread_ts;
    if (Array.isArray(p.blocks)) m.blocks = p.blocks;
    if (isMetadata(p.metadata)) m.metadata = p.metadata;
    this.all.push(m);
    return { ok: true, channel: m.channel, ts: m.ts, message: this.wire(m, true) };
  }

  /** Shares uploaded files in a channel or thread as one message, as Slack does. */
  private completeUpload(p: Params): Answer {
    let files: { id: string; title?: string }[];
    try {
      files = JSON.parse(String(p.files)) as { id: string; title?: string }[];
    } catch {
      return { ok: false, error: 'invalid_arguments' };
    }
    const shared: NonNullable<FakeMessage['files']> = [];
    for (const f of files) {
      const u = this.uploads.get(f.id);
      if (!u) return { ok: false, error: 'file_not_found' };
      if (u.content === undefined || Buffer.byteLength(u.content) !== u.length)
        return { ok: false, error: 'file_upload_size_mismatch' };
      shared.push({ id: f.id, name: u.filename, title: f.title ?? u.filename, content: u.content });
    }
    if (p.channel_id !== undefined) {
      const ch = this.channel(p.channel_id, true);
      if (!ch) return { ok: false, error: 'channel_not_found' };
      const m: FakeMessage = { channel: ch.id, ts: this.nextTs(), text: String(p.initial_comment ?? ''), edits: 0 };
      if (typeof p.thread_ts === 'string') m.thread_ts = p.thread_ts;
      m.files = shared;
      this.all.push(m);
    }
    return { ok: true, files: shared.map(({ id, title }) => ({ id, title })) };
  }

  private read(method: string, p: Params): Answer {
    const ch = this.channel(p.channel, true);
    if (!ch) return { ok: false, error: 'channel_not_found' };
    if (ch.isMember === false) return { ok: false, error: 'not_in_channel' };
    const withMeta =
      p.include_all_metadata === true || p.include_all_metadata === 'true' || p.include_all_metadata === '1';
    const limit = Math.min(Number(p.limit ?? 100) || 100, 999);
    let list: FakeMessage[];
    if (method === 'conversations.history') {
      list = this.messages(ch.id).reverse(); // newest first, as Slack returns them
    } else {
      const parent = this.all.find((m) => m.channel === ch.id && m.ts === p.ts);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      list = [parent, ...this.replies(parent.ts)];
    }
    const page = list.slice(0, limit).map((m) => this.wire(m, withMeta));
    return { ok: true, messages: page, has_more: list.length > limit, response_metadata: { next_cursor: '' } };
  }

  /** A message as the Web API returns it; metadata only when asked for. */
  private wire(m: FakeMessage, withMeta: boolean): Answer {
    const replies = this.replies(m.ts).length;
    return {
      ...(m.user
        ? { type: 'message', user: m.user }
        : { type: 'message', subtype: 'bot_message', user: BOT.user_id, bot_id: BOT.bot_id, app_id: BOT.app_id }),
      text: m.text ?? '',
      ts: m.ts,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : replies ? { thread_ts: m.ts, reply_count: replies } : {}),
      ...(m.edits ? { edited: { user: BOT.user_id, ts: m.ts } } : {}),
      ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
      ...(m.files
        ? { files: m.files.map(({ id, name, title }) => ({ id, name, title, mimetype: 'text/plain' })) }
        : {}),
    };
  }

  private channel(value: unknown, idOnly: boolean): FakeChannel | undefined {
    const v = String(value ?? '');
    return this.channels.find((c) => c.id === v || (!idOnly && (c.name === v || `#${c.name}` === v)));
  }

  /** A person replying in a thread (what the bot later reads with conversations.replies). */
  postAsUser(channel: string, threadTs: string, user: string, text: string): FakeMessage {
    const m: FakeMessage = { channel, ts: this.nextTs(), thread_ts: threadTs, text, edits: 0, user };
    this.all.push(m);
    return m;
  }

  private nextTs(): string {
    this.seq++;
    return `${this.epoch}.${String(this.seq).padStart(6, '0')}`;
  }
}

const isPrivate = (c: FakeChannel) => c.isPrivate ?? c.id.startsWith('G');

/** The WebClient sends objects (blocks, metadata) as JSON strings inside a form body. */
function parseBody(raw: string, contentType: string | undefined): Params {
  if (contentType?.includes('application/json')) return JSON.parse(raw || '{}') as Params;
  const params: Params = Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['blocks', 'metadata', 'attachments', 'view']) {
    if (typeof params[key] === 'string') {
      try {
        params[key] = JSON.parse(params[key]);
      } catch {
        /* left as sent: the handler rejects it */
      }
    }
  }
  return params;
}

function isMetadata(v: unknown): v is FakeMessage['metadata'] & object {
  const m = v as { event_type?: unknown; event_payload?: unknown } | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.event_type === 'string' &&
    typeof m.event_payload === 'object' &&
    m.event_payload !== null
  );
}

/** The Block Kit limits Slack enforces with `invalid_blocks`. */
function checkBlocks(blocks: unknown): Answer | undefined {
  if (blocks === undefined) return undefined;
  const errors: string[] = [];
  if (!Array.isArray(blocks)) errors.push('blocks must be an array');
  else {
    if (blocks.length > 50) errors.push('no more than 50 items allowed [json-pointer:/blocks]');
    type Text = string | { text?: string } | undefined;
    const len = (t: Text) => (typeof t === 'string' ? t.length : (t?.text?.length ?? 0));
    blocks.forEach(
      (
        b: {
          type?: string;
          text?: Text;
          fields?: { text?: string }[];
          elements?: { text?: Text; value?: string }[];
          accessory?: { type?: string; text?: Text; value?: string };
        },
        i,
      ) => {
        const max = b.type === 'header' ? 150 : 3000;
        if (len(b.text) > max) errors.push(`must be less than ${max + 1} characters [json-pointer:/blocks/${i}/text]`);
        if ((b.fields?.length ?? 0) > 10 || b.fields?.some((f) => (f.text?.length ?? 0) > 2000))
          errors.push(`invalid fields [json-pointer:/blocks/${i}/fields]`);
        const elementMax = b.type === 'context' ? 3000 : 75;
        if (
          (b.elements?.length ?? 0) > 10 ||
          b.elements?.some((e) => len(e.text) > elementMax || (e.value?.length ?? 0) > 2000)
        ) {
          errors.push(`invalid element [json-pointer:/blocks/${i}/elements]`);
        }
        // A section's button: text at most 75 characters, value at most 2000.
        const a = b.accessory;
        if (a?.type === 'button' && (len(a.text) > 75 || (a.value?.length ?? 0) > 2000))
          errors.push(`invalid accessory [json-pointer:/blocks/${i}/accessory]`);
      },
    );
  }
  return errors.length ? { ok: false, error: 'invalid_blocks', errors } : undefined;
}
