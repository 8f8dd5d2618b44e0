import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node; native modules (better-sqlite3,
// serialport) need forked workers rather than threads.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Tests that spawn `urna` run the bundle, rebuilt here when a source changed.
    globalSetup: ['test/support/build-cli.ts'],
    pool: 'forks',
    // A worker per core (Vitest's default leaves one core free: on the 2-core CI
    // machine, one file at a time). Measured there: 742 s instead of 825 s.
    maxWorkers: availableParallelism(),
    minWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
