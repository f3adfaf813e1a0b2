import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no server; `integration` talks to the real local stack
// (`make stack-up` writes .stack/env, which test/helpers/stack.ts reads).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // A hang guard, not a speed check: some pure tests (simulated fleets, detectors over long
          // series) take seconds, and more on a loaded 2-core machine than vitest's default 5 s.
          testTimeout: 30_000,
          include: [
            'lib/**/*.test.ts',
            'cli/**/*.test.ts',
            'connectors/**/*.test.ts',
            'streams/**/*.test.ts',
            'bench/**/*.test.ts',
            'grafana/**/*.test.ts',
            'schemas/**/*.test.ts',
            'sim/**/*.test.ts',
            'demo/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One stack for all: files run one at a time, so timings and broker load stay predictable.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
