import { defineConfig } from 'vitest/config';
import { tarmacViews } from './vite.views.config.js';

// CI asks for a JSON summary too, to print "N passed, N failed" at the end of its run.
const report = process.env.TARMAC_TEST_REPORT;

export default defineConfig({
  // Host code imports the MCP Apps views bundle (virtual:tarmac-views) when a client reads a view.
  plugins: [tarmacViews()],
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Tests start servers and child processes: separate processes keep them apart.
    pool: 'forks',
    // Two cores here: more workers only make the servers under test wait on each other.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    // expect.poll waits for what a real peer does (a sign-in through flyctl, a page update), not a clock.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    reporters: report ? ['default', 'json'] : ['default'],
    ...(report ? { outputFile: { json: report } } : {}),
  },
});
