// alerts — what an admin must look at: a destination blocking the relay
// (policy block, our reputation), complaints. Raised in the transaction of
// the fact behind them, once per kind, subject and hour. Emits alert.raised.
// Reads no config keys.
export { alertEventInsertSql, alertInsertSql, alertRaisedEvent, HOUR_KEY_SQL } from './alert-sql.ts';
export type { AlertKind } from './alert-sql.ts';
