import { defineConfig } from 'vitest/config';

// `npm test`: unit, per-op and integration tests. The stress tests (huge images, fuzzing) run
// with `npm run stress` (and `npm run stress:ci`, which CI runs), not here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: process.env.TILEPIPE_STRESS ? ['**/node_modules/**'] : ['test/stress/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
