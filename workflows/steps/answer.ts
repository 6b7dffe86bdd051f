import { condition } from '@temporalio/workflow';
import type { Run } from '../run-state';
import type { QuestionKind } from '../domain/run-status';
import type { RecordedDecision } from '../domain/types';
import { reminderText } from '../thread-texts';

/** Waits up to APPROVAL_TIMEOUT for the answer to the open question, reminding in the thread every APPROVAL_REMINDER_INTERVAL. */
export async function answerTo(run: Run, kind: QuestionKind): Promise<RecordedDecision | undefined> {
  const { approvalTimeoutMs, reminderIntervalMs } = run.settings;
  const answered = () => run.answerOf(kind) !== undefined;
  // A resumed run keeps the question's deadline and its reminders' count.
  const askedAt = run.waitStartedAt();
  const deadline = askedAt + approvalTimeoutMs;
  const { slack } = run.act;
  for (let n = Math.floor((Date.now() - askedAt) / reminderIntervalMs) + 1; ; n++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return run.answerOf(kind);
    const untilReminder = askedAt + n * reminderIntervalMs - Date.now();
    // These questions hold state in this execution (the attempt, the candidate PR): they do not continue as new.
    const wait = kind === 'retry-pull-request' || kind === 'adopt-pull-request' ? condition : run.wait.bind(run);
    if (await wait(answered, Math.min(untilReminder, remaining))) return run.answerOf(kind);
    const left = deadline - Date.now();
    if (left > 0)
      await slack.replyInThread({
        ref: run.record.slack!,
        text: reminderText(left),
        dedupeKey: `reminder-${run.record.stage}-${n}`,
      });
  }
}
