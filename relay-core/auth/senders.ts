// Sender rights: which envelope and From: addresses a user may use. A pattern
// is a full address (`user@domain`) or a whole domain (`@domain`); both are
// kept lower-case with the domain in ASCII (IDN as punycode), so one spelling
// matches however the client wrote it.
import { domainToASCII } from 'node:url';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/**
 * A dot-atom local part. `*` is legal there but refused in a pattern: whoever
 * writes `*@example.org` means the whole domain, which is spelled `@example.org`.
 */
const LOCAL_PART = /^[^\s@"<>()[\]\\,;:*]+$/;

/** Lower-case, domain in ASCII; '' when the domain is not a valid host name. */
function normalizeDomain(domain: string): string {
  const ascii = domainToASCII(domain.trim().toLowerCase());
  if (!ascii || ascii.length > 253) return '';
  const labels = ascii.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) ? ascii : '';
}

/**
 * The stored form of a sender pattern, or null when it is neither
 * `user@domain` nor `@domain`.
 */
export function normalizeSenderPattern(pattern: string): string | null {
  const trimmed = pattern.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return null;
  const local = trimmed.slice(0, at);
  const domain = normalizeDomain(trimmed.slice(at + 1));
  if (!domain) return null;
  if (local !== '' && (!LOCAL_PART.test(local) || local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..'))) {
    return null;
  }
  return `${local}@${domain}`;
}

/**
 * True when `address` is one of `allowedSenders`, or in one of their
 * `@domain`s. Case-insensitive; `@example.org` does not cover
 * `sub.example.org`. The null sender and malformed addresses never match.
 */
export function isSenderAllowed(allowedSenders: string[], address: string): boolean {
  const trimmed = address.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = normalizeDomain(trimmed.slice(at + 1));
  if (!domain) return false;
  const full = `${trimmed.slice(0, at)}@${domain}`;
  return allowedSenders.some((pattern) => {
    const p = normalizeSenderPattern(pattern);
    return p !== null && (p === full || p === `@${domain}`);
  });
}
