/**
 * How a request paces its retries after the room's calendar changed under it: full jitter over a
 * window that doubles from 10 ms to at most 250 ms, so requests that collided spread out instead
 * of colliding again in step, within a budget of real time (5 s, half the function's timeout), past
 * which the request answers 503 `calendar-contended` rather than run into its timeout. Real time,
 * not the clock port: it paces requests, it is no rule of the domain.
 */
import type { Retries } from './ports.ts';

const BUDGET_MS = 5_000;
const FIRST_WINDOW_MS = 10;
const MAX_WINDOW_MS = 250;

const jitteredRetries =
  (budgetMs = BUDGET_MS): Retries =>
  () => {
    const deadline = Date.now() + budgetMs;
    let window = FIRST_WINDOW_MS;
    return {
      async wait() {
        const pause = Math.random() * window;
        window = Math.min(MAX_WINDOW_MS, window * 2);
        if (Date.now() + pause >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, pause));
        return true;
      },
    };
  };

export { jitteredRetries };
