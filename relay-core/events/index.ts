// events — the relay's event outbox and its publication. An event is recorded
// in the same transaction as the state change it describes, then published to
// in-process subscribers after commit. When several nodes share one
// PostgreSQL, EventRelay (notify.ts) carries each node's events to the others
// over LISTEN/NOTIFY, best effort; relayed events carry the sending node's id
// in `origin`. Not used on PGlite (one process). Reads no config keys.
// Emits: message.received, recipient.delivered|deferred|bounced|expired|complained,
// message.deleted, alert.raised (raised by queue, returns and alerts; carried here).
export { EventBus } from './bus.ts';
export type { EventType, RelayEvent } from './bus.ts';
export { EVENTS_CHANNEL, EventRelay } from './notify.ts';
export type { EventRelayOptions, EventRelayStatus } from './notify.ts';
