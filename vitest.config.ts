import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node; native modules (better-sqlite3,
// serialport) need forked workers rather than threads.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
