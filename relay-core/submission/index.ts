// submission — the SMTP submission listener (port 2525): STARTTLS, AUTH
// PLAIN/LOGIN only inside TLS, per-IP throttling of failed AUTH, sender rights
// checked on MAIL FROM and on every From: address, no relaying without AUTH
// except for trusted networks, recipient/size limits, line endings made
// CRLF-only against SMTP smuggling, a Received: field; then the queue, and
// `250 2.0.0 queued as ID` only after it committed. Also the STARTTLS
// certificate: the operator's files, or a self-signed one kept in dataDir.
// Suppressed recipients are refused at RCPT (550 5.1.1) and mail for the
// returns address is handed to relay-core/returns, the only mail taken
// without AUTH (from the allowed inbound MX hosts).
// A gate (relay-core/anomaly) may refuse a sender at MAIL FROM with 451 4.7.1
// (held after a traffic spike, over quota). It does not store users (auth/
// does), deliver, nor sign (DKIM).
// Emits no events itself (the queue emits message.received).
// Config keys read (through server/): hostname, dataDir, smtp.host, smtp.port,
// smtp.trustedNetworks, smtp.maxMessageSizeBytes, smtp.maxRecipients,
// smtp.authFailureLimit, smtp.authFailureWindowMs, smtp.maxClients,
// smtp.socketTimeoutMs, tls.certFile, tls.keyFile, returns.allowedFrom.
export { SubmissionServer } from './server.ts';
export type { SubmissionOptions } from './server.ts';
export type {
  ReturnsRecipient, SubmissionBlacklist, SubmissionFederation, SubmissionGate, SubmissionQueue, SubmissionReturns, SubmissionSuppressions, SubmissionUsers,
} from './collaborators.ts';
export { describeCertificate, loadTlsCredentials, TlsConfigError } from './tls.ts';
export type { CertificateInfo, TlsCredentialOptions, TlsCredentials } from './tls.ts';
export { parseFromAddresses, normalizeLineEndings, formatReceivedHeader } from './message.ts';
export { checkRecipient } from './recipient.ts';
export type { RecipientRefusal } from './recipient.ts';
export { AuthThrottle, clientKeyOf } from './throttle.ts';
