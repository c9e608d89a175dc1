// stats — time-bucketed counters kept per sender, per recipient (keyed hash)
// and per destination domain, never per sender–recipient pair; and the keyed
// address hash itself. Written in the caller's transaction. Emits no events;
// reads no config keys (the hash secret lives in the database).
export { categoryUpsertSql, complaintUpsertSql, COUNTERS, counterUpsertSql, counterValues } from './counters.ts';
export type { CategoryTable, CounterName, CounterTable } from './counters.ts';
export { StatsReport } from './report.ts';
export type { AttemptRecord, CategoryCounts, Counts, HourlyCounts, StatsSummary } from './report.ts';
export { addressHasher, domainOf, hashAddress, loadRelaySecret, normalizeAddress, redactAddress } from './address.ts';
export type { AddressHasher, AddressHashScheme } from './address.ts';
