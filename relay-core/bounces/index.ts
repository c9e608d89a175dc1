// bounces — what a remote answer means and what the sender is told: SMTP
// replies as values with their enhanced status, the defer/bounce verdict, and
// RFC 3464 DSNs; and the reading of reports that come back later (RFC 3464
// DSNs, RFC 5965 complaints), bounded against hostile input. It does not send
// anything itself and keeps no state; the queue enqueues the DSNs it builds.
// Emits no events; reads no config keys.
export { formatReply, localReply, parseReply, parseReplyLine, verdictOf } from './reply.ts';
export type { Reply, Verdict } from './reply.ts';
export { addressEvidence, BOUNCE_RULES, classifyReply } from './categories.ts';
export type { BounceAction, BounceCategory, Classification } from './categories.ts';
export { buildDsn, headersOf } from './dsn.ts';
export type { DsnInput, FailedRecipient } from './dsn.ts';
export { parseReport } from './report-parser.ts';
export type { ParsedReport, ParseReportOptions, ReportedAction, ReportedRecipient } from './report-parser.ts';
