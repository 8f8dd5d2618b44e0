import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node; native modules (better-sqlite3,
// serialport) need forked workers rather than threads.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Tests that spawn `urna` run the bundle, rebuilt here when a source changed.
    globalSetup: ['test/support/build-cli.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
