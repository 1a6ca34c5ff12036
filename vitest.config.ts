import { defineConfig } from 'vitest/config';

/**
 * Three projects, one run: `unit` (no I/O beyond the process), `integration` (DynamoDB Local) and
 * `e2e` (the devstack, over HTTP). DynamoDB Local starts once per run and the two projects that
 * need it share it (tests/support/global-setup.ts).
 */
export default defineConfig({
  test: {
    allowOnly: false,
    passWithNoTests: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/tests/unit/**/*.test.ts',
            'services/*/tests/unit/**/*.test.ts',
            'tests/deploy/**/*.test.ts',
            'bench/tests/unit/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/tests/integration/**/*.test.ts', 'services/*/tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          // Against a deployed stage there is no bus log and no signing key to read: those files
          // are left out of the run rather than skipped inside it.
          exclude: process.env.TESSERA_BASE_URL ? ['tests/e2e/devstack/**'] : [],
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
