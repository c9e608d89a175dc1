// The Subject header of a stored message, for people reading the queue: the
// header block only (callers pass the first few KiB of the message), RFC 2047
// encoded-words decoded, folding undone, control and bidi-override characters
// taken out, and capped, so what reaches a screen is one plain line.
import libmime from 'libmime';
import { headersOf } from '../bounces/index.ts';

/** Longer subjects are cut: a queue listing is no place for a paragraph. */
export const MAX_SUBJECT_LENGTH = 300;

// C0, DEL, C1, line/paragraph separators, and the bidi overrides and
// isolates that can make a subject read differently from what it holds.
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The decoded Subject of a message from its first bytes; null when it has none. */
export function subjectOf(head: Buffer): string | null {
  // RFC 5322 §2.2.3: a folded header continues on lines starting with white space.
  const fields = headersOf(head).split(/\r\n(?![ \t])/);
  const field = fields.find((f) => /^subject[ \t]*:/i.test(f));
  if (field === undefined) return null;
  const raw = field.slice(field.indexOf(':') + 1).replace(/\r\n/g, '');
  let decoded: string;
  try {
    decoded = libmime.decodeWords(raw);
  } catch {
    decoded = raw; // a malformed encoded-word is shown as sent
  }
  const clean = decoded.replace(/[\t\r\n]/g, ' ').replace(CONTROL, '').replace(/ {2,}/g, ' ').trim();
  const chars = Array.from(clean);
  return chars.length > MAX_SUBJECT_LENGTH ? `${chars.slice(0, MAX_SUBJECT_LENGTH - 1).join('')}…` : clean;
}
