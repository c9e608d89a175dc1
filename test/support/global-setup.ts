// Starts a throw-away PostgreSQL when the suite runs against it
// (RELAIS_TEST_DB=postgresql) unless RELAIS_TEST_PG_URL points at one already.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

const script = join(import.meta.dirname, '../../scripts/postgres.sh');

export default function setup(project: TestProject): (() => void) | undefined {
  if (process.env.RELAIS_TEST_DB !== 'postgresql') {
    project.provide('pgAdminUrl', '');
    return undefined;
  }
  if (process.env.RELAIS_TEST_PG_URL) {
    project.provide('pgAdminUrl', process.env.RELAIS_TEST_PG_URL);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'relais-test-pg-'));
  const port = String(56000 + (process.pid % 4000));
  const url = execFileSync('bash', [script, 'start', dir, port, 'fast'], { encoding: 'utf8' }).trim();
  project.provide('pgAdminUrl', url);
  return () => {
    execFileSync('bash', [script, 'stop', dir]);
  };
}
