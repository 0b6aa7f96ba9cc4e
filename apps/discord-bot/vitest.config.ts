import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['../../scripts/console-guard.ts'],
    // Captures what the bot logs and sends, and fails the run if a token or key is in it.
    globalSetup: ['../../scripts/secret-capture.global.ts', 'test/postgres.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
