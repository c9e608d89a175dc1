// db — opens the database (PostgreSQL by URL, or embedded PGlite in the data
// directory), runs migrations, and offers SQL and ORM units of work to the
// other areas. It holds no business rule and emits no events.
// Config keys read (through server/): dataDir, databaseUrl.
export { openDb } from './open.ts';
export type { Db, DbOptions, Sql } from './open.ts';
export { SmtpUser } from './entities.ts';
