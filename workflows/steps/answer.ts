import { condition } from '@temporalio/workflow';
import type { Run } from '../run-state';
import type { QuestionKind } from '../domain/run-status';
import type { RecordedDecision } from '../domain/types';
import type { LadderStep } from '../domain/escalation';
import { reminderText } from '../thread-texts';

/** The escalation ladder of an unanswered question: its steps, and what to do when one is due. */
export interface Unanswered {
  ladder: LadderStep[];
  /** Levels already climbed (a resumed run does not climb them again). */
  climbed: number;
  climb(step: LadderStep, reminders: number): Promise<void>;
}

/**
 * Waits up to APPROVAL_TIMEOUT for the answer to the open question, reminding in the thread every
 * APPROVAL_REMINDER_INTERVAL and, with an escalation ladder, climbing a level each time its own timer
 * runs out (each step's delay counts from the previous one).
 */
export async function answerTo(
  run: Run,
  kind: QuestionKind,
  unanswered?: Unanswered,
): Promise<RecordedDecision | undefined> {
  const { approvalTimeoutMs, reminderIntervalMs } = run.settings;
  const answered = () => run.answerOf(kind) !== undefined;
  // A resumed run keeps the question's deadline and its reminders' count.
  const askedAt = run.waitStartedAt();
  const deadline = askedAt + approvalTimeoutMs;
  const { slack } = run.act;
  let due = askedAt;
  const steps = (unanswered?.ladder ?? []).map((step) => ({ step, at: (due += step.afterMs) }));
  let climbed = unanswered?.climbed ?? 0;
  let reminders = Math.floor((Date.now() - askedAt) / reminderIntervalMs);
  for (;;) {
    const now = Date.now();
    if (deadline - now <= 0) return run.answerOf(kind);
    const nextReminder = askedAt + (reminders + 1) * reminderIntervalMs;
    const nextStep = steps.find((s) => s.step.level > climbed);
    const until = Math.min(nextReminder, nextStep?.at ?? Infinity, deadline) - now;
    // These questions hold state in this execution (the attempt, the candidate PR): they do not continue as new.
    const wait = kind === 'retry-pull-request' || kind === 'adopt-pull-request' ? condition : run.wait.bind(run);
    if (await wait(answered, until)) return run.answerOf(kind);
    if (nextStep && Date.now() >= nextStep.at) {
      climbed = nextStep.step.level;
      await unanswered!.climb(nextStep.step, reminders);
    }
    if (Date.now() < nextReminder) continue;
    reminders++;
    const left = deadline - Date.now();
    if (left > 0)
      await slack.replyInThread({
        ref: run.record.slack!,
        text: reminderText(left),
        dedupeKey: `reminder-${run.record.stage}-${reminders}`,
      });
  }
}
