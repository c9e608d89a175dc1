// delivery — takes due recipients from the queue and hands them to the
// destination's MX over SMTP: MX lookup (null MX and NXDOMAIN bounce, no MX
// means A/AAAA, DNS trouble defers), static routes instead of MX where the
// operator set them, refusal of private MX addresses, one session per MX
// address tried in preference order with opportunistic STARTTLS, several
// messages per session and every recipient of a message in one transaction,
// per-domain and overall session limits. Each remote reply (or a local
// stand-in for DNS and network trouble) is recorded through the queue.
// It does not decide what a reply means (bounces/ does), keep retry state or
// write DSNs (queue/ does), nor sign messages (checks/ will, before enqueue).
// Emits no events itself: queue.recordAttempts emits recipient.* in the same
// transaction as each outcome.
// Config keys read (through server/): hostname, dns.servers, dns.timeoutMs,
// delivery.mxPort, delivery.allowPrivateMx, delivery.routes,
// delivery.destinationConcurrency, delivery.maxSessions,
// delivery.messagesPerSession, delivery.connectTimeoutMs,
// delivery.commandTimeoutMs, queue.pollIntervalMs, queue.claimBatch.
export { DeliveryService } from './delivery-service.ts';
export type { DeliveryOptions, DeliveryStatus } from './delivery-service.ts';
export { MxResolver } from './mx-resolver.ts';
export type { AddressResult, MxHost, MxResolverOptions, MxResult } from './mx-resolver.ts';
export { DestinationPlanner } from './destination.ts';
export type { DestinationPlan, SmtpTarget } from './destination.ts';
export { AddressPolicy } from './address-policy.ts';
export { toCrlf } from './line-endings.ts';
