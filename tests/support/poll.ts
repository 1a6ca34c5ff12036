/**
 * The one wait-and-retry loop of the test suites: tries again at an interval until a result is
 * accepted or time runs out. It never throws on a timeout; each caller says what a late answer means.
 */

interface PollOptions {
  /** How long to keep trying (10 s unless told). */
  readonly timeoutMs?: number;
  /** The pause between attempts (100 ms unless told). */
  readonly intervalMs?: number;
}

/**
 * Calls `attempt` until `done` accepts its result or `timeoutMs` has passed, and resolves with the
 * last result either way; `attempt` runs at least once.
 *
 * @example
 * const response = await pollUntil(() => fetch(url), (r) => r.status !== 422);
 */
const pollUntil = async <T>(
  attempt: () => T | Promise<T>,
  done: (result: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 100 }: PollOptions = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (done(result) || Date.now() >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};

export type { PollOptions };
export { pollUntil };
