// queue — the durable queue of messages and their recipients: enqueue after
// the message and every recipient row are committed; lease due work with
// FOR UPDATE SKIP LOCKED so several nodes can share one PostgreSQL; fence
// outcomes by lease epoch; retry with backoff and jitter; expire; hold and
// release; turn final outcomes into counters, DSNs and a deleted message.
// It does not talk SMTP (delivery/ does) nor decide what a reply means
// (bounces/ does).
// Emits: message.received, recipient.delivered|deferred|bounced|expired, message.deleted.
// Config keys read (through server/): queue.retryFirstMs, queue.retryMaxMs,
// queue.maxAgeMs, queue.leaseMs, hostname.
export { QueueService, newQueueId } from './queue-service.ts';
export type { AddressEvidence, AddressFact, EvidenceSink, OutcomeObserver, QueueServiceOptions } from './queue-service.ts';
export { QueueAdmin, QueueError } from './queue-admin.ts';
export { nextAttemptAt, retryDelayMs } from './retry.ts';
export type { RetrySchedule } from './retry.ts';
export type {
  AttemptResult, Claim, NewMessage, QueuedMessage, QueuedRecipient, QueueFilter, QueueListOptions, QueueSelector, RecipientState,
} from './types.ts';
