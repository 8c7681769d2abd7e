import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // two test files at a time on 2 cores (vitest's default is cores - 1 = one at a time)
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
