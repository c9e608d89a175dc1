// alerts — what an admin must look at: a destination blocking the relay
// (policy block, our reputation), complaints, traffic spikes of a sender. Raised in the transaction of
// the fact behind them, once per kind, subject and hour; listed and
// acknowledged by admins (AlertService). It does not decide what deserves an
// alert (queue, returns and anomaly do). Emits alert.raised.
// Reads no config keys.
export { alertEventInsertSql, alertInsertSql, alertRaisedEvent, HOUR_KEY_SQL } from './alert-sql.ts';
export type { AlertKind } from './alert-sql.ts';
export { AlertError, AlertService } from './alerts.ts';
export type { Alert, AlertFilter, AlertListOptions } from './alerts.ts';
