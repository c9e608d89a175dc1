// A fresh, migrated database for one test file, on the backend the suite runs
// against: embedded PGlite (default) or PostgreSQL (RELAIS_TEST_DB=postgresql).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDb, type Db } from '../../relay-core/db/index.ts';

export interface TestDatabase {
  /** Empty for PGlite. */
  databaseUrl: string;
  dataDir: string;
  /** Drops the database / removes the directory. */
  drop(): Promise<void>;
}

export function isPostgres(): boolean {
  return Boolean(inject('pgAdminUrl'));
}

/** Creates an empty database (PostgreSQL) or data directory (PGlite) without opening it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-test-'));
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) {
    return { databaseUrl: '', dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `relais_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens and migrates a fresh database; `close` also drops it. */
export async function openTestDb(): Promise<Db & { drop(): Promise<void>; databaseUrl: string; dataDir: string }> {
  const target = await createTestDatabase();
  const db = await openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: 5 });
  await db.migrate();
  return Object.assign(db, {
    databaseUrl: target.databaseUrl,
    dataDir: target.dataDir,
    async drop() {
      await db.close();
      await target.drop();
    },
  });
}
