/**
 * The pause before re-reading a calendar that changed under a request: full jitter over a window
 * that doubles from 4 ms to at most 64 ms, so requests that collided spread out instead of colliding
 * again in step.
 */
import type { Pause } from './ports.ts';

const jitteredPause: Pause = (attempt) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(64, 4 * 2 ** Math.min(attempt, 4))));

export { jitteredPause };
