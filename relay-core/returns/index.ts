// returns — the returns address (VERP): each outgoing recipient gets its own
// envelope sender `returns+TOKEN@domain`, and reports coming back to it
// (RFC 3464 DSNs, RFC 5965 complaints) are matched through the token and acted
// on: evidence for suppression, counters, alerts, a late DSN to the sender.
// Needs no stored sender–recipient record. Emits recipient.bounced (late),
// recipient.complained, alert.raised. Config keys read (through server/):
// returns.address, returns.tokenLifetimeDays, returns.maxReportBytes.
export { ReturnsAddress } from './token.ts';
export type { ReturnsAddressOptions, ReturnsRecipient, ReturnsTokenData, TokenCheck } from './token.ts';
export { SenderDirectory } from './senders.ts';
export { ReturnsProcessor } from './inbound.ts';
export type { ReportResult, ReturnsProcessorOptions } from './inbound.ts';
