// Alerts are rows raised inside the transaction of the fact that triggers
// them, at most once per dedupe key (kind, subject and hour), so a destination
// blocking us a thousand times in an hour raises one alert, not a thousand.
import type { RelayEvent } from '../events/index.ts';

/**
 * What an admin is told about, as stored and published:
 * - `policy-block`: a destination refuses us for our reputation;
 * - `complaint`: a recipient reported a message as spam;
 * - `spike`: a sender's traffic jumped (relay-core/anomaly); subject: the sender key.
 */
export type AlertKind = 'policy-block' | 'complaint' | 'spike';

/** SQL text of the current hour, for dedupe keys: `2026-11-28T10`. */
export const HOUR_KEY_SQL = `to_char(date_trunc('hour', now() at time zone 'UTC'), 'YYYY-MM-DD"T"HH24')`;

/**
 * An insert of the alerts `rowsSql` yields as (kind, subject, detail jsonb,
 * dedupe_key), skipping those already raised; returns (id, kind, subject).
 * Usable as a WITH part.
 */
export function alertInsertSql(rowsSql: string): string {
  return `insert into alert (kind, subject, detail, dedupe_key)
    select kind, subject, detail, dedupe_key from (${rowsSql}) as rows (kind, subject, detail, dedupe_key)
    on conflict (dedupe_key) do nothing
    returning id, kind, subject`;
}

/** SQL inserting the `alert.raised` event of each row of the WITH part `alerts`. */
export function alertEventInsertSql(alerts: string): string {
  return `insert into event (type, payload)
    select 'alert.raised', jsonb_build_object('alertId', id::text, 'kind', kind, 'subject', subject) from ${alerts}`;
}

export function alertRaisedEvent(row: { id: string | number; kind: string; subject: string }): RelayEvent {
  return { type: 'alert.raised', payload: { alertId: String(row.id), kind: row.kind, subject: row.subject } };
}
