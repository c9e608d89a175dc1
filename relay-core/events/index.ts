// events — the relay's event outbox and in-process publication. An event is
// recorded in the same transaction as the state change it describes, then
// published to in-process subscribers after commit. Cross-node delivery
// (LISTEN/NOTIFY) is not done here yet. Reads no config keys.
// Emits: message.received, recipient.delivered|deferred|bounced|expired, message.deleted.
export { EventBus } from './bus.ts';
export type { EventType, RelayEvent } from './bus.ts';
