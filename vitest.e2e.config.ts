import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built renderer in Debian Chromium (and the real
// Electron binary where one is installed). One file at a time: two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
