import { defineConfig } from 'vitest/config';

// Tests sit beside the code they test. Load tests are real (servers on 127.0.0.1:0, the real
// Postgres and Redis), so they are slower than unit tests: generous timeouts, and files run
// one at a time by default because two cores are shared by generator and target.
export default defineConfig({
  test: {
    include: ['runner/**/*.test.ts', 'target-app/**/*.test.ts', 'dashboard/**/*.test.ts', 'reports/**/*.test.ts', 'scenarios/**/*.test.ts', 'deploy/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
