/**
 * Claude Code sessions have a task queue of their own, polled by every worker with at most
 * CLAUDE_MAX_CONCURRENT at a time: the rest wait in the queue, where waiting costs nothing and
 * no activity timeout runs.
 */
export const claudeTaskQueue = (taskQueue: string): string => `${taskQueue}-claude`;
