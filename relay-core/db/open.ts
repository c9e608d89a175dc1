import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type EntityManager } from '@mikro-orm/postgresql';
import { ALL_ENTITIES } from './entities.ts';
import { MIGRATIONS } from './migrations-list.ts';

/** Runs SQL with `?` placeholders (an array value expands to `?, ?, …`). */
export interface Sql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgresql';
  readonly orm: MikroORM;
  /** A fresh EntityManager for one unit of work. */
  em(): EntityManager;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres:// URL; empty means embedded PGlite under `dataDir`. */
  databaseUrl: string;
  dataDir: string;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
}

function sqlOf(em: EntityManager): Sql {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => {
      const result = (await em.execute(sql, params as never[])) as unknown[];
      // The PGlite driver answers a query whose parameters contain ";" with
      // one result set per statement, [[rows]]: rows are objects, never
      // arrays, so a nested answer is unwrapped to its last result set.
      return (Array.isArray(result[0]) ? result.at(-1) : result) as T[];
    },
  };
}

/** Opens PostgreSQL (when a URL is given) or embedded PGlite in `dataDir/pglite`. */
export async function openDb(options: DbOptions): Promise<Db> {
  const common: Partial<Options> = {
    entities: ALL_ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, silent: true, snapshot: false },
    discovery: { warnWhenNoEntities: false },
    debug: false,
    allowGlobalContext: false,
  };
  let pglite: PGlite | undefined;
  let orm: MikroORM;
  if (options.databaseUrl) {
    orm = await MikroORM.init({
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: options.databaseUrl,
      pool: { min: 0, max: options.poolSize ?? 20 },
    } as Options);
  } else {
    const dir = join(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    // Loaded only when used: the embedded database costs tens of MiB of memory.
    const [{ PGlite }, { PGliteDriver }] = await Promise.all([import('@electric-sql/pglite'), import('mikro-orm-pglite')]);
    pglite = new PGlite(dir);
    await pglite.waitReady;
    const instance = pglite;
    orm = await MikroORM.init({
      ...common,
      driver: PGliteDriver,
      dbName: 'postgres',
      driverOptions: { connection: { pglite: () => instance } },
    } as Options);
  }
  const kind = pglite ? 'pglite' : 'postgresql';
  const em = () => orm.em.fork() as EntityManager;
  return {
    kind,
    orm,
    em,
    query: (sql, params) => sqlOf(em()).query(sql, params),
    transaction: (fn) => em().transactional((tem) => fn(sqlOf(tem as EntityManager))),
    async migrate() {
      const migrator = orm.getMigrator();
      const done = await migrator.up();
      return done.map((m) => m.name);
    },
    async close() {
      await orm.close(true);
      await pglite?.close();
    },
  };
}
