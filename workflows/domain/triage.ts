/**
 * Triage: what kind of error a run is about, before anything is spent on a fix. Pure data and
 * rules, shared by the classifier (activities/claude/classify-error.ts), the workflow, Slack and
 * the CLI.
 */

export const ERROR_CATEGORIES = [
  'code-defect',
  'configuration',
  'dependency-outage',
  'infrastructure',
  'transient',
  'bad-data',
  'third-party',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What the classifier said, as the run records it. */
export interface Triage {
  category: ErrorCategory;
  severity: Severity;
  /** Whether a change to the repository's code can fix it. */
  fixableByCode: boolean;
  /** 0..1, the model's own. */
  confidence: number;
  /** One line, for people. */
  rationale: string;
  /** Corrections of this service the classifier was shown (few-shot examples). */
  examplesUsed: number;
  costUsd: number;
}

/** What the run measured itself, given to the classifier beside the error's text. */
export interface TriageSignals {
  occurrences: number;
  /** Occurrences per minute between first and last seen. */
  ratePerMinute: number;
  usersAffected: number;
  firstSeen: string;
  lastSeen: string;
}

/** A person's word on an earlier error of the same service: the classifier's few-shot examples. */
export interface TriageExample {
  errorType: string;
  message: string;
  category: ErrorCategory;
  fixableByCode: boolean;
  /** Why, in the person's words (untrusted text). */
  note?: string;
}

/** The JSON Schema the classifier must answer in (Claude Code's --json-schema). */
export const TRIAGE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'severity', 'fixableByCode', 'confidence', 'rationale'],
  properties: {
    category: { type: 'string', enum: [...ERROR_CATEGORIES] },
    severity: { type: 'string', enum: [...SEVERITIES] },
    fixableByCode: { type: 'boolean' },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    rationale: { type: 'string', maxLength: 300 },
  },
} as const;

/** A classifier answer checked field by field: a model's output is data, not a promise. */
export function parseTriage(value: unknown): Omit<Triage, 'examplesUsed' | 'costUsd'> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const category = ERROR_CATEGORIES.find((c) => c === v.category);
  const severity = SEVERITIES.find((s) => s === v.severity);
  const confidence = typeof v.confidence === 'number' && v.confidence >= 0 && v.confidence <= 1 ? v.confidence : -1;
  if (!category || !severity || typeof v.fixableByCode !== 'boolean' || confidence < 0) return undefined;
  const rationale = typeof v.rationale === 'string' ? v.rationale.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
  return { category, severity, fixableByCode: v.fixableByCode, confidence, rationale };
}

/**
 * Only a code defect goes on to a fix; the rest go to people. A classifier that is not sure
 * (under TRIAGE_MIN_CONFIDENCE) does not stop a fix: a wasted attempt costs less than a missed bug.
 */
export function wantsFix(t: Triage, minConfidence = 0): boolean {
  return (t.category === 'code-defect' && t.fixableByCode) || t.confidence < minConfidence;
}

/** What the classifier is told about the run's occurrences, from the ledger's own figures. */
export function triageSignals(o: { count: number; firstSeen: string; lastSeen: string; users: number }): TriageSignals {
  const minutes = Math.max(1, (Date.parse(o.lastSeen) - Date.parse(o.firstSeen)) / 60_000 || 1);
  return {
    occurrences: o.count,
    ratePerMinute: o.count / minutes,
    usersAffected: o.users,
    firstSeen: o.firstSeen,
    lastSeen: o.lastSeen,
  };
}

/** Another unique error with the same root cause, which joined a run rather than start its own fix. */
export interface RelatedError {
  workflowId: string;
  fingerprint: string;
  errorType: string;
  message: string;
  occurrences: number;
  at: string;
}

/** e.g. "infrastructure · high · 92 % · not fixable by code" */
export function triageLine(t: Triage): string {
  return [
    t.category,
    t.severity,
    `${Math.round(t.confidence * 100)} %`,
    t.fixableByCode ? 'fixable by code' : 'not fixable by code',
  ].join(' · ');
}

/**
 * What a person's answer teaches the classifier: "not a code bug" with its category, an approval
 * (a code defect), a rejection with its reason (the triage's category, and why).
 */
export function triageExampleFrom(
  identity: { errorType: string },
  message: string,
  d: { approved: boolean; reason?: string; correction?: { category?: ErrorCategory } },
  triage?: Triage,
): TriageExample {
  const base = { errorType: identity.errorType, message: message.slice(0, 500) };
  const note = d.reason?.slice(0, 300);
  if (d.correction) {
    const said = triage && triage.category !== 'code-defect' ? triage.category : 'configuration';
    return { ...base, category: d.correction.category ?? said, fixableByCode: false, ...(note ? { note } : {}) };
  }
  if (d.approved) return { ...base, category: 'code-defect', fixableByCode: true, note: 'a code fix was approved' };
  return {
    ...base,
    category: triage?.category ?? 'code-defect',
    fixableByCode: triage?.fixableByCode ?? true,
    note: note ? `fix rejected: ${note}` : 'fix rejected',
  };
}
