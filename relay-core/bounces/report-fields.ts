// The field syntax shared by the parts of incoming reports: the
// message/delivery-status part of a DSN (RFC 3464 §2), the
// message/feedback-report part of a complaint (RFC 5965 §3) and the header
// block of the original message quoted in either. Blocks of `Name: value`
// fields separated by blank lines; names are case-insensitive; a line that
// starts with a space or tab continues the field above (RFC 5322 §2.2.3).
// Pure and linear in its input: every value, every repeated name and the
// number of blocks is capped, so a hostile part costs one pass, never more.
import { parseReply, type Reply } from './reply.ts';

/** One block of fields: lower-cased name -> values in order; a folded value keeps '\n' between its physical lines. */
export type FieldBlock = Map<string, string[]>;

export type ReportedAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

/** One per-recipient block of a DSN, read into values. */
export interface ReportedRecipient {
  /** From `Final-Recipient: rfc822; <addr>`: address type, `<>` and spaces stripped. */
  finalRecipient: string | null;
  /** From `Original-Recipient`, the address the sender gave (ORCPT). */
  originalRecipient: string | null;
  /** Lower-cased; any value outside RFC 3464 §2.3.3 is null. */
  action: ReportedAction | null;
  /** `x.y.z` (RFC 3463), or null when absent or malformed. */
  status: string | null;
  /** The remote server's reply from `Diagnostic-Code: smtp; …`; without one, a reply made up from the status; null without either. */
  diagnostic: Reply | null;
  /** The host from `Remote-MTA: dns; host`, without a trailing dot or comment. */
  remoteMta: string | null;
}

/** What a DSN's message/delivery-status part says. */
export interface DeliveryStatus {
  reportingMta: string | null;
  recipients: ReportedRecipient[];
}

/** What a complaint's message/feedback-report part says. */
export interface FeedbackReport {
  feedbackType: string;
  userAgent: string | null;
  originalMailFrom: string | null;
  originalRcptTo: string[];
  arrivalDate: Date | null;
}

export const MAX_VALUE_CHARS = 1000;
export const MAX_RECIPIENTS = 100;
const MAX_VALUES_PER_NAME = 100;
// RFC 5322 §3.6.8: a field name is printable US-ASCII except the colon.
const FIELD_NAME = /^[!-9;-~]+$/;
const ACTIONS: ReadonlySet<string> = new Set(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);
const STATUS = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
const ADDRESS_TYPE = /^\s*[A-Za-z0-9][A-Za-z0-9.+-]*\s*$/;

/** Splits `text` into field blocks, stopping at the end of block number `maxBlocks`. Lines that are not fields are skipped. */
export function parseFieldBlocks(text: string, maxBlocks: number): FieldBlock[] {
  const blocks: FieldBlock[] = [];
  let block: FieldBlock | null = null;
  let open: { values: string[]; index: number } | null = null;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') {
      if (block && blocks.length >= maxBlocks) break;
      block = null;
      open = null;
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (open && open.values[open.index]!.length < MAX_VALUE_CHARS) {
        open.values[open.index] = `${open.values[open.index]}\n${line.trim()}`.slice(0, MAX_VALUE_CHARS);
      }
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd().toLowerCase() : '';
    if (!FIELD_NAME.test(name)) {
      open = null;
      continue;
    }
    if (!block) {
      block = new Map();
      blocks.push(block);
    }
    const values = block.get(name) ?? [];
    block.set(name, values);
    if (values.length >= MAX_VALUES_PER_NAME) {
      open = null;
      continue;
    }
    values.push(line.slice(colon + 1, colon + 1 + MAX_VALUE_CHARS + 1).trim().slice(0, MAX_VALUE_CHARS));
    open = { values, index: values.length - 1 };
  }
  return blocks;
}

/** Reads a message/delivery-status part. `isCut`: the input ended inside it, so a last block not closed by a blank line may be partial and is left out. */
export function readDeliveryStatus(text: string, isCut: boolean): DeliveryStatus {
  // One per-message block, then at most MAX_RECIPIENTS recipient blocks.
  const blocks = parseFieldBlocks(text, MAX_RECIPIENTS + 1);
  if (isCut && blocks.length > 0 && !/\n[ \t]*\r?\n\s*$/.test(text.slice(-64))) blocks.pop();
  let reportingMta: string | null = null;
  const recipients: ReportedRecipient[] = [];
  for (const block of blocks) {
    reportingMta ??= hostOf(first(block, 'reporting-mta'));
    const isRecipient = ['final-recipient', 'original-recipient', 'action', 'status'].some((name) => block.has(name));
    if (isRecipient && recipients.length < MAX_RECIPIENTS) recipients.push(recipientOf(block));
  }
  return { reportingMta, recipients };
}

/** Reads a message/feedback-report part (RFC 5965 §3.1; `Received-Date` is the draft's name for Arrival-Date). */
export function readFeedbackReport(text: string): FeedbackReport {
  const fields: FieldBlock = new Map();
  for (const block of parseFieldBlocks(text, 10)) {
    for (const [name, values] of block) fields.set(name, [...(fields.get(name) ?? []), ...values].slice(0, MAX_VALUES_PER_NAME));
  }
  const type = /^[a-z0-9][a-z0-9-]*/.exec(oneLine(first(fields, 'feedback-type') ?? '').toLowerCase());
  const rcptTo = (fields.get('original-rcpt-to') ?? []).map(bareAddress).filter((a): a is string => a !== null);
  return {
    // RFC 5965 requires Feedback-Type; a report without one is still a complaint, of no known kind.
    feedbackType: type ? type[0] : 'other',
    userAgent: oneLine(first(fields, 'user-agent') ?? '') || null,
    originalMailFrom: bareAddress(first(fields, 'original-mail-from') ?? ''),
    originalRcptTo: rcptTo.slice(0, MAX_RECIPIENTS),
    arrivalDate: dateOf(first(fields, 'arrival-date') ?? first(fields, 'received-date')),
  };
}

/** The envelope sender recorded in a quoted message's header block: Return-Path, else X-Original-Return-Path. */
export function returnPathOf(message: string): string | null {
  // The header block ends at the first empty line; a message that opens with one has no headers.
  const end = /^\r?\n/.test(message) ? 0 : message.search(/\n\r?\n/);
  const [headers] = parseFieldBlocks(end < 0 ? message : message.slice(0, end), 1);
  if (!headers) return null;
  const value = first(headers, 'return-path') ?? first(headers, 'x-original-return-path');
  return value === null ? null : bareAddress(value);
}

function recipientOf(block: FieldBlock): ReportedRecipient {
  const status = statusOf(first(block, 'status'));
  const action = /^[a-z]+/.exec(oneLine(first(block, 'action') ?? '').toLowerCase())?.[0] ?? '';
  return {
    finalRecipient: addressOf(first(block, 'final-recipient')),
    originalRecipient: addressOf(first(block, 'original-recipient')),
    action: ACTIONS.has(action) ? (action as ReportedAction) : null,
    status,
    diagnostic: diagnosticOf(first(block, 'diagnostic-code'), status),
    remoteMta: hostOf(first(block, 'remote-mta')),
  };
}

function first(block: FieldBlock, name: string): string | null {
  return block.get(name)?.[0] ?? null;
}

/** Control characters (NUL included, which PostgreSQL text refuses) become spaces; folding is undone. */
function oneLine(value: string): string {
  return value.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

/** `type; value` -> [type or null, value] (RFC 3464 §2.1.2 address-type, §2.1.4 diagnostic-type). */
function splitType(value: string): [string | null, string] {
  const semi = value.indexOf(';');
  if (semi < 0 || !ADDRESS_TYPE.test(value.slice(0, semi))) return [null, value];
  return [value.slice(0, semi).trim().toLowerCase(), value.slice(semi + 1)];
}

function addressOf(value: string | null): string | null {
  if (value === null) return null;
  const [type, rest] = splitType(value);
  let address = oneLine(rest);
  if (address.startsWith('<') && address.endsWith('>')) address = address.slice(1, -1).trim();
  // RFC 6533 §3: utf-8 addresses may carry \x{HEX} escapes.
  if (type === 'utf-8') address = address.replace(/\\x\{([0-9A-Fa-f]{1,6})\}/g, (whole, hex: string) => codePoint(hex) ?? whole);
  return address || null;
}

function codePoint(hex: string): string | null {
  const n = parseInt(hex, 16);
  return n <= 0x10ffff ? String.fromCodePoint(n) : null;
}

/** `dns; mx.example.org. (192.0.2.1, the server for …)` -> `mx.example.org`. */
function hostOf(value: string | null): string | null {
  if (value === null) return null;
  const host = oneLine(splitType(value)[1]).split(/[\s(]/, 1)[0]!.replace(/\.$/, '');
  return host || null;
}

function statusOf(value: string | null): string | null {
  const m = STATUS.exec(oneLine(value ?? '').split(/[\s(]/, 1)[0]!);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : null;
}

const CLASS_CODES: Readonly<Record<string, number>> = { '2': 250, '4': 450, '5': 550 };

/**
 * `smtp; 550 5.1.1 …` is the remote server's own reply. Any other diagnostic
 * (`X-Postfix; Host or domain name not found`), or an smtp one without a code,
 * keeps its text under a code made up from the status class. A reply without
 * an enhanced code borrows the status when their classes agree.
 */
function diagnosticOf(value: string | null, status: string | null): Reply | null {
  const [type, rest] = value === null ? [null, ''] : splitType(value);
  const text = rest.replace(/[\x00-\x09\x0b-\x1f\x7f]+/g, ' ').trim();
  const code = type === 'smtp' || type === null ? /^([2-5]\d\d)(?![^\s-])/.exec(text)?.[1] : undefined;
  let reply: Reply;
  if (code !== undefined) {
    reply = parseReply(Number(code), text);
  } else if (status !== null) {
    reply = parseReply(CLASS_CODES[status[0]!]!, text);
  } else {
    return null;
  }
  if (reply.enhanced === null && status !== null && status[0] === String(reply.code)[0]) reply.enhanced = status;
  return reply;
}

/** `<a@b>`, `a@b`, `Name <a@b>` -> `a@b`; `<>` and anything that is not one address -> null. */
function bareAddress(value: string): string | null {
  const text = oneLine(value);
  const address = /<([^<>]*)>/.exec(text)?.[1]?.trim() ?? text.split(/\s/, 1)[0]!;
  return /^[^\s<>@]+@[^\s<>@]+$/.test(address) ? address : null;
}

function dateOf(value: string | null): Date | null {
  if (value === null) return null;
  // A trailing comment such as `(PDT)` is not part of the RFC 5322 date.
  const date = new Date(oneLine(value).replace(/\s*\([^()]*\)\s*$/, ''));
  return Number.isNaN(date.getTime()) ? null : date;
}
