import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['../../scripts/console-guard.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
