import { defineConfig } from 'vitest/config';

// Browser tests (Debian's Chromium via playwright-core): reports opened from disk, the live
// dashboard. Separate from the unit suite because they need Chromium and take longer.
export default defineConfig({
  test: {
    include: ['**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**', 'reports/out/**', 'dashboard/dist/**', '.stampede-tmp/**', '.acceptance-tmp/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
