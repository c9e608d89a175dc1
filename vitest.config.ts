import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships ESM and CommonJS builds; under vitest, Pothos and yoga would
  // otherwise load one each and refuse each other's schema ("another realm").
  resolve: { alias: { graphql: createRequire(import.meta.url).resolve('graphql') } },
  test: {
    include: ['relay-core/**/*.test.ts', 'server/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Scenario tests bind real ports and start databases: two at a time fits two cores.
    maxWorkers: 2,
  },
});
