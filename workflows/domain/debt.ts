/**
 * Technical debt found by the scheduled scans: the items the model reports, their stable ids, and how a
 * scan is merged with the previous one. Pure and deterministic: the scan workflow, the activities, the
 * Slack digest and the ingress's "Fix this" button share it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const DEBT_EFFORTS = ['S', 'M', 'L'] as const;
export type DebtEffort = (typeof DEBT_EFFORTS)[number];
export const DEBT_RISKS = ['low', 'medium', 'high'] as const;
export type DebtRisk = (typeof DEBT_RISKS)[number];

/** One item as the model reports it; `id` only when it is an item of the previous scan again. */
export interface FoundDebtItem {
  id?: string;
  file: string;
  line: number;
  title: string;
  why: string;
  effort: DebtEffort;
  risk: DebtRisk;
}

/** A production error (a bugfix run of this deployment) whose stack points into the item's file. */
export interface DebtRelatedError {
  workflowId: string;
  errorType?: string;
  summary?: string;
  /** The run's top in-app frame, or the stack line that named the file. */
  frame?: string;
}

export interface DebtItem extends Omit<FoundDebtItem, 'id'> {
  id: string;
  status: 'open' | 'resolved';
  /** The scan that first reported it (ISO). */
  firstSeen: string;
  /** The last scan that reported it. */
  lastSeen: string;
  /** The first scan that no longer reported it. */
  resolvedAt?: string;
  relatedErrors?: DebtRelatedError[];
}

/** A scan's result, and the input of the next scan of the same repository. */
export interface DebtScan {
  repository: string;
  commit: string;
  scannedAt: string;
  workflowId: string;
  /** Open items, in the model's order (the most worth fixing first). */
  items: DebtItem[];
  /** Items no scan has reported since `resolvedAt`, kept for DEBT_RESOLVED_KEEP_MS. */
  resolved: DebtItem[];
  costUsd: number;
  /** The digest in Slack, once posted. */
  slack?: { channel: string; ts: string; permalink?: string };
}

/** What a scan's workflow is started with (the schedule's argument). */
export interface DebtScanInput {
  /** The repository's name in DEBT_SCAN_REPOSITORIES: also the service its fix runs are filed under. */
  repository: string;
  /** DEBT_SCAN_TOP_N. */
  topN: number;
  /** CLAUDE_TIMEOUT: bounds the scan's Claude Code session. */
  claudeTimeoutMs: number;
}

/** How long resolved items stay in the scan's result (and its digest's count). */
export const DEBT_RESOLVED_KEEP_MS = 90 * 24 * 3_600_000;
export const MAX_RESOLVED_KEPT = 100;
export const MAX_TOP_N = 25;
const MAX_TITLE = 120;
const MAX_WHY = 1_000;
const MAX_FILE = 300;

/** The schedule (and the prefix of its runs' workflow ids) of one repository's scans. */
export function debtScanScheduleId(prefix: string, repository: string): string {
  return `${prefix}-debt-scan-${repository}`;
}

/** The weekly report digest's schedule. */
export function reportDigestScheduleId(prefix: string): string {
  return `${prefix}-report-digest`;
}

/** The JSON Schema the scan must answer in (Claude Code's --json-schema). */
export function debtSchema(topN: number) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        maxItems: topN,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['file', 'line', 'title', 'why', 'effort', 'risk'],
          properties: {
            id: { type: 'string', description: 'the id of the previous scan item this is, if it is one' },
            file: { type: 'string', description: 'path relative to the repository root' },
            line: { type: 'integer', minimum: 1 },
            title: { type: 'string', maxLength: MAX_TITLE },
            why: { type: 'string', maxLength: MAX_WHY },
            effort: { type: 'string', enum: [...DEBT_EFFORTS] },
            risk: { type: 'string', enum: [...DEBT_RISKS] },
          },
        },
      },
    },
  } as const;
}

/** The model's answer checked item by item: a malformed item is dropped, not trusted. */
export function parseDebtItems(value: unknown, topN: number): FoundDebtItem[] {
  const items = (value as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  const found: FoundDebtItem[] = [];
  for (const raw of items) {
    if (!raw || typeof raw !== 'object') continue;
    const v = raw as Record<string, unknown>;
    const file = typeof v.file === 'string' ? normalizeDebtFile(v.file).slice(0, MAX_FILE) : '';
    const title = typeof v.title === 'string' ? oneLine(v.title).slice(0, MAX_TITLE) : '';
    const effort = DEBT_EFFORTS.find((e) => e === v.effort);
    const risk = DEBT_RISKS.find((r) => r === v.risk);
    const line = typeof v.line === 'number' && Number.isInteger(v.line) && v.line >= 1 ? v.line : 1;
    if (!file || !title || !effort || !risk) continue;
    const why = typeof v.why === 'string' ? v.why.trim().slice(0, MAX_WHY) : '';
    const id = typeof v.id === 'string' && /^[\w-]{1,64}$/.test(v.id.trim()) ? v.id.trim() : undefined;
    found.push({ ...(id ? { id } : {}), file, line, title, why, effort, risk });
    if (found.length >= topN) break;
  }
  return found;
}

/** A repository path as the model may write it (`./src/x.ts`, `/src/x.ts`, `src\x.ts`) made one spelling. */
export function normalizeDebtFile(file: string): string {
  return file
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/|\/)+/, '');
}

/** Case, punctuation, spacing and numbers do not make a title another item. */
export function normalizeDebtTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/\d+/g, '#')
    .replace(/[^a-z#]+/g, ' ')
    .trim();
}

/** The id of an item the model did not recognise: the same file and (normalised) title, the same id. */
export function debtItemId(file: string, title: string): string {
  const key = `${normalizeDebtFile(file).toLowerCase()}\u001f${normalizeDebtTitle(title)}`;
  return bytesToHex(sha256(utf8ToBytes(key))).slice(0, 12);
}

/**
 * The new scan, merged with the previous one. An item keeps its id when the model reused a previous open
 * item's id, else it gets `debtItemId` (so an item reported again under the same file and title keeps its
 * id too, and a resolved one that comes back is reopened). No item appears twice. Previous open items the
 * scan did not report are resolved at `now`; resolved items are kept `keepResolvedMs`, at most MAX_RESOLVED_KEPT.
 */
export function mergeDebtScan(
  previous: Pick<DebtScan, 'items' | 'resolved'> | undefined,
  found: FoundDebtItem[],
  now: string,
  keepResolvedMs: number = DEBT_RESOLVED_KEEP_MS,
): { items: DebtItem[]; resolved: DebtItem[] } {
  const open = new Map((previous?.items ?? []).map((i) => [i.id, i]));
  const earlier = new Map((previous?.resolved ?? []).map((i) => [i.id, i]));
  const items: DebtItem[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    const reused = f.id && open.has(f.id) && !seen.has(f.id) ? f.id : undefined;
    const id = reused ?? debtItemId(f.file, f.title);
    if (seen.has(id)) continue;
    seen.add(id);
    const before = open.get(id) ?? earlier.get(id);
    items.push({
      id,
      file: f.file,
      line: f.line,
      title: f.title,
      why: f.why,
      effort: f.effort,
      risk: f.risk,
      status: 'open',
      firstSeen: before?.firstSeen ?? now,
      lastSeen: now,
    });
  }
  const cutoff = Date.parse(now) - keepResolvedMs;
  const resolvedNow = [...open.values()]
    .filter((i) => !seen.has(i.id))
    .map((i): DebtItem => {
      const { relatedErrors: _related, ...rest } = i;
      return { ...rest, status: 'resolved', resolvedAt: now };
    });
  const stillResolved = [...earlier.values()].filter(
    (i) => !seen.has(i.id) && !open.has(i.id) && Date.parse(i.resolvedAt ?? now) >= cutoff,
  );
  return { items, resolved: [...resolvedNow, ...stillResolved].slice(0, MAX_RESOLVED_KEPT) };
}

/** What the scan's prompt is told about the previous scan's open items, so the model can reuse their ids. */
export function previousForPrompt(scan: Pick<DebtScan, 'items'> | undefined): PreviousDebtItem[] {
  return (scan?.items ?? []).map(({ id, file, line, title }) => ({ id, file, line, title }));
}

export interface PreviousDebtItem {
  id: string;
  file: string;
  line: number;
  title: string;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** What a "Fix this" click needs to start a fix run of an item, carried in the button's value. */
export interface FixDebtRequest {
  itemId: string;
  scanWorkflowId: string;
  repository: string;
  file: string;
  line: number;
  title: string;
  why: string;
}

/** Slack's limit on a button's value. */
export const MAX_ACTION_VALUE = 2_000;

/** The button's value: the item as JSON, its explanation shortened until the whole fits MAX_ACTION_VALUE. */
export function fixDebtValue(item: DebtItem, scan: Pick<DebtScan, 'workflowId' | 'repository'>): string {
  const encode = (why: string, title: string, file: string) =>
    JSON.stringify({
      i: item.id,
      s: scan.workflowId,
      r: scan.repository,
      f: file,
      l: item.line,
      t: title,
      w: why,
    });
  const whole = encode(item.why, item.title, item.file);
  if (whole.length <= MAX_ACTION_VALUE) return whole;
  // The longest cut of the explanation that fits once JSON-escaped (escapes make the length uneven).
  const cut = (n: number) => encode(n > 0 ? `${item.why.slice(0, n)}…` : '', item.title, item.file);
  let [lo, hi] = [0, item.why.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (cut(mid).length <= MAX_ACTION_VALUE) lo = mid;
    else hi = mid - 1;
  }
  const value = cut(lo);
  // Ids and names alone are far below the limit; a pathological path is cut last.
  return value.length <= MAX_ACTION_VALUE ? value : encode('', item.title.slice(0, 60), item.file.slice(0, 200));
}

/** The request in a "Fix this" value, or undefined when it is not one. */
export function parseFixDebtValue(value: string): FixDebtRequest | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(value) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const itemId = str(v.i);
  const scanWorkflowId = str(v.s);
  const repository = str(v.r);
  const file = str(v.f);
  const title = str(v.t);
  if (!itemId || !scanWorkflowId || !repository || !file || !title) return undefined;
  const line = typeof v.l === 'number' && Number.isInteger(v.l) && v.l >= 1 ? v.l : 1;
  return { itemId, scanWorkflowId, repository, file, line, title, why: str(v.w) ?? '' };
}

/** The error type of a fix run started from a debt item. */
export const DEBT_ERROR_TYPE = 'TechnicalDebt';

/**
 * The item as an error the pipeline can fingerprint: type TechnicalDebt, its title (and file, so equal
 * titles in two files stay two runs) as the headline, its explanation below, and a stack-like frame
 * `at debt_<itemId> (<file>:<line>:1)` that points the fix prompt at the code.
 */
export function debtAsError(req: FixDebtRequest, service: string) {
  const headline = `${req.title} (${req.file})`;
  return {
    service,
    errorType: DEBT_ERROR_TYPE,
    message: req.why ? `${headline}\n${req.why}` : headline,
    // The frame's function is the item: two items of one file never look like one root cause (related runs).
    stack: `TechnicalDebt: ${headline}\n    at debt_${req.itemId} (${req.file}:${req.line}:1)`,
  };
}

/** Whether a `file:function` frame key is in `file` (either may carry more leading directories). */
export function frameInFile(frame: string, file: string): boolean {
  const at = frame.lastIndexOf(':');
  const frameFile = normalizeDebtFile(at > 0 ? frame.slice(0, at) : frame);
  const f = normalizeDebtFile(file);
  return frameFile === f || frameFile.endsWith(`/${f}`) || f.endsWith(`/${frameFile}`);
}

/** The first line of a stack that names `file` (as a path, followed by `:line`), if any. */
export function stackLineNaming(stack: string, file: string): string | undefined {
  const f = normalizeDebtFile(file);
  if (!f) return undefined;
  const escaped = f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|[\\s(/\\\\])${escaped}:\\d`);
  return stack
    .split('\n')
    .find((line) => re.test(line))
    ?.trim();
}
