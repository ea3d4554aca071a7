import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites each start real servers; running files in parallel on a 2-core machine
    // only makes them slower and flakier.
    fileParallelism: false,
  },
});
