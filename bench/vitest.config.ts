import { defineConfig } from 'vitest/config';

/**
 * The bench's own unit tests (`bench/tests/unit/**`): its pure functions (checks, statistics, the
 * report), no process started and nothing timed. `npx vitest run --config bench/vitest.config.ts`.
 */
export default defineConfig({
  test: {
    allowOnly: false,
    passWithNoTests: false,
    projects: [{ test: { name: 'bench', include: ['bench/tests/unit/**/*.test.ts'] } }],
  },
});
