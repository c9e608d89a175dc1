// Whom spikes, holds and quotas are about. An authenticated submission is
// keyed by its SMTP login (`alice`); mail from a trusted network without AUTH
// by its envelope sender (`from:bob@example.org`). Logins cannot contain a
// colon, so the two never collide.
import type { QueueFilter } from '../queue/index.ts';

export type AnomalyErrorCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT';

/** A refused hold, release or key; `message` is safe to show to whoever asked. */
export class AnomalyError extends Error {
  readonly code: AnomalyErrorCode;

  constructor(code: AnomalyErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const FROM = 'from:';
/** Same rule as auth's logins. */
const LOGIN = /^[a-z0-9][a-z0-9._@+-]{0,127}$/;
/** No spaces, no control characters: a key is echoed in SMTP replies, logs and CLI output. */
const ADDRESS = /^[^\s@\x00-\x1f\x7f]{1,64}@[^\s@\x00-\x1f\x7f]{1,255}$/;

/** The key of a submission; null for the null sender without AUTH (a DSN: no account to judge). */
export function senderKeyOf(login: string | null, mailFrom: string): string | null {
  if (login) return login.toLowerCase();
  const address = mailFrom.trim().toLowerCase();
  return address ? FROM + address : null;
}

/** A key as typed by an admin (`alice`, `login:alice`, `from:bob@example.org`), normalised; throws AnomalyError INVALID_INPUT. */
export function parseSenderKey(text: string): string {
  const trimmed = text.trim().toLowerCase();
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (trimmed.startsWith(FROM)) {
    const address = trimmed.slice(FROM.length);
    if (!ADDRESS.test(address)) throw new AnomalyError('INVALID_INPUT', `bad sender ${shown}: after "from:" give an envelope sender address like bob@example.org`);
    return FROM + address;
  }
  const login = trimmed.startsWith('login:') ? trimmed.slice('login:'.length) : trimmed;
  if (!LOGIN.test(login)) {
    throw new AnomalyError('INVALID_INPUT', `bad sender ${shown}: give an SMTP login (letters, digits, . _ @ + -) or from:ADDRESS for mail sent without AUTH`);
  }
  return login;
}

/** The queued mail of a sender: its login's submissions, or its envelope sender's mail sent without AUTH. */
export function queueFilterOf(key: string): QueueFilter {
  return key.startsWith(FROM) ? { sender: key.slice(FROM.length), submittedBy: null } : { submittedBy: key };
}

/** The envelope sender of a `from:` key, null for a login. */
export function mailFromOf(key: string): string | null {
  return key.startsWith(FROM) ? key.slice(FROM.length) : null;
}
