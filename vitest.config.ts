import { defineConfig } from 'vitest/config';

// Tests run in the site's time zone (Asia/Shanghai), whatever the machine's: the workers inherit it.
process.env.TZ = 'Asia/Shanghai';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // one Meilisearch server per run, started by the global setup; files run one at a time.
          globalSetup: ['tests/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
