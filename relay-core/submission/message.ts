// What submission does to a message's bytes before queueing it: line endings,
// the From: addresses of the header block, and the Received: trace field.
import addressparser from 'nodemailer/lib/addressparser';

const CR = 0x0d;
const LF = 0x0a;

/**
 * Turns every bare LF and bare CR into CRLF, and makes the message end with
 * CRLF. Why: servers disagree on what ends DATA. smtp-server only ends it at
 * CRLF.CRLF, but some next hops also accept LF.LF or CR.CR; a message kept
 * with "\n.\nMAIL FROM:…" inside would, relayed as is, end early there and
 * have its tail run as a second, unauthenticated transaction (SMTP
 * smuggling). With CRLF-only lines every "." line is dot-stuffed on the way
 * out like any other, so each hop sees exactly one message.
 */
export function normalizeLineEndings(input: Buffer): Buffer {
  let extra = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if ((byte === LF && input[i - 1] !== CR) || (byte === CR && input[i + 1] !== LF)) extra++;
  }
  const last = input[input.length - 1];
  const hasFinalCrlf = input.length === 0 || (input[input.length - 2] === CR && last === LF);
  // A final bare LF or CR becomes a CRLF in the loop below.
  const isMissingFinalCrlf = !hasFinalCrlf && last !== LF && last !== CR;
  if (extra === 0 && !isMissingFinalCrlf) return input;

  const out = Buffer.allocUnsafe(input.length + extra + (isMissingFinalCrlf ? 2 : 0));
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if ((byte === LF && input[i - 1] !== CR) || (byte === CR && input[i + 1] !== LF)) {
      out[o++] = CR;
      out[o++] = LF;
    } else {
      out[o++] = byte;
    }
  }
  if (isMissingFinalCrlf) {
    out[o++] = CR;
    out[o++] = LF;
  }
  return out;
}

/** The header section (RFC 5322 §2.1): up to the first empty line, or all of a body-less message. */
export function sliceHeaderBlock(message: Buffer): Buffer {
  if (message[0] === CR && message[1] === LF) return message.subarray(0, 0);
  const end = message.indexOf('\r\n\r\n');
  return end < 0 ? message : message.subarray(0, end + 2);
}

/** Header fields of a CRLF-only header block, unfolded (RFC 5322 §2.2.3). */
export function unfoldFields(block: Buffer): string[] {
  const fields: string[] = [];
  for (const line of block.toString('utf8').split('\r\n')) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  return fields;
}

const FROM_FIELD = /^from[ \t]*:/i; // RFC 5322 §4.5.3 obs-from allows WSP before the colon
const DOMAIN = /^[^\s@()<>[\]\\,;:"]+$/;

function isMailbox(address: string): boolean {
  const at = address.lastIndexOf('@');
  return at > 0 && DOMAIN.test(address.slice(at + 1)) && !/[\s]/.test(address.slice(0, at).replace(/^".*"$/, ''));
}

/**
 * Every address of every From: field of a CRLF-only message, or null when
 * there is no From: field, or one that is empty, is a group or holds
 * something that is not an address: such a header cannot be checked, so it is
 * refused rather than trusted.
 */
export function parseFromAddresses(message: Buffer): string[] | null {
  const fields = unfoldFields(sliceHeaderBlock(message)).filter((f) => FROM_FIELD.test(f));
  if (fields.length === 0) return null;
  const addresses: string[] = [];
  for (const field of fields) {
    const parsed = addressparser(field.slice(field.indexOf(':') + 1));
    if (parsed.length === 0) return null;
    for (const entry of parsed) {
      if (entry.group !== undefined || !isMailbox(entry.address)) return null;
      addresses.push(entry.address);
    }
  }
  return addresses;
}

/** RFC 5322 §3.3 date-time, in UTC with a numeric zone. */
export function formatRfc5322Date(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}

export interface ReceivedInput {
  /** Name the client gave in EHLO/HELO. */
  heloName: string | false;
  clientAddress: string;
  /** This relay's host name. */
  hostname: string;
  /** RFC 3848 protocol, e.g. ESMTPSA. */
  protocol: string;
  at: Date;
}

/** Only what a domain or an address literal may hold: nothing can break out of the field. */
function tokenOf(text: string): string {
  return text.replace(/[^A-Za-z0-9.:_-]/g, '') || 'unknown';
}

/**
 * A Received: field (RFC 5321 §4.4) naming the client by EHLO name and IP.
 * The login and the recipients are left out: they would tell every next hop
 * who submitted and to whom.
 */
export function formatReceivedHeader(input: ReceivedInput): string {
  const ip = tokenOf(input.clientAddress);
  const literal = ip.includes(':') ? `[IPv6:${ip}]` : `[${ip}]`;
  const helo = input.heloName ? tokenOf(input.heloName) : 'unknown';
  const protocol = /^[A-Z]{1,16}$/.test(input.protocol) ? input.protocol : 'ESMTP';
  return `Received: from ${helo} (${literal})\r\n\tby ${tokenOf(input.hostname)} (relais) with ${protocol};\r\n\t${formatRfc5322Date(input.at)}\r\n`;
}
