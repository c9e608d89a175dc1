// Incoming reports: reads a message that came back to the returns address and
// says whether it is a DSN (RFC 3464, or RFC 6533 for internationalised mail),
// a complaint (RFC 5965 ARF, which Microsoft's JMRP also follows), or neither.
// Pure: no database, no classification, no token check; callers match
// `returnPath` against the returns address and classify each diagnostic.
//
// Strategy: mailparser splits the MIME structure and undoes transfer
// encodings; the report fields themselves are read by report-fields.ts.
// Hostile input is bounded before and during the parse: only a prefix of
// `maxBytes` is read (cut back to a line end); a linear pre-scan (mime-scan.ts)
// refuses deep nesting, reduces header blocks to their structural fields and
// drops parts past the part and header limits, so mailparser never fails
// half-way nor parses slow headers; mailparser's CPU-heavy text conversions
// (HTML to text, text to HTML, linkify) are off, quoted messages stay leaves
// (`ignoreEmbedded`), and a deadline destroys the parser. Parts that were
// complete when the input was cut are still used.
import { MailParser, type AttachmentStream, type MessageText, type StructuredHeader } from 'mailparser';
import { scanMime } from './mime-scan.ts';
import {
  readDeliveryStatus, readFeedbackReport, returnPathOf, type ReportedRecipient,
} from './report-fields.ts';

export type { ReportedAction, ReportedRecipient } from './report-fields.ts';

/** What an incoming message is, as far as bounce and complaint handling cares. */
export type ParsedReport =
  /** An RFC 3464 delivery status notification: one entry per recipient block (at most 100). */
  | { kind: 'dsn'; reportingMta: string | null; recipients: ReportedRecipient[]; returnPath: string | null }
  /** An RFC 5965 feedback report (abuse, fraud, virus, not-spam, …); `feedbackType` lower-cased, `other` when missing. */
  | {
    kind: 'complaint'; feedbackType: string; userAgent: string | null; originalMailFrom: string | null;
    originalRcptTo: string[]; returnPath: string | null; arrivalDate: Date | null;
  }
  /** Not a report we read (a plain message, an auto-reply, another report-type, garbage), with a short reason. */
  | { kind: 'none'; reason: string };

export interface ParseReportOptions {
  /** Only this prefix of the input is parsed. Default 1 MiB. */
  maxBytes?: number;
  /** The parse is abandoned (kind `none`) after this long. Default 5000. */
  timeoutMs?: number;
  /** Multipart nesting deeper than this is refused (kind `none`). Default 20. */
  maxDepth?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_DEPTH = 20;
// Real reports have header blocks of a few KiB and fewer than ten parts; the
// limits leave room for long Received chains. The pre-scan enforces them on
// the raw header blocks; mailparser only sees the few structural fields left
// of each block, and its own limits are a backstop.
const MAX_HEAD_BYTES = 256 * 1024;
const MAX_PARTS = 200;
// Only the header block of a quoted original is read.
const MAX_ORIGINAL_BYTES = 256 * 1024;

const STATUS_TYPES: ReadonlySet<string> = new Set(['message/delivery-status', 'message/global-delivery-status']);
const FEEDBACK_TYPE = 'message/feedback-report';
// RFC 3462 §2 / RFC 6533 §6: the third part, a whole message or its headers.
const ORIGINAL_TYPES: ReadonlySet<string> = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/global-headers']);

/** Reads a message that may be a DSN or a complaint. Never throws and never hangs: any input yields a ParsedReport. */
export async function parseReport(raw: Buffer, options: ParseReportOptions = {}): Promise<ParsedReport> {
  try {
    return await parse(raw, options);
  } catch (err) {
    // Every expected failure is a 'none' already; this is a bug or a mailparser surprise, kept as an outcome.
    return none(`unreadable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function parse(raw: Buffer, options: ParseReportOptions): Promise<ParsedReport> {
  const maxBytes = positive(options.maxBytes, DEFAULT_MAX_BYTES);
  const timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const maxDepth = positive(options.maxDepth, DEFAULT_MAX_DEPTH);
  if (!Buffer.isBuffer(raw) || raw.length === 0) return none('empty input');

  const isTruncated = raw.length > maxBytes;
  let input = raw.subarray(0, maxBytes);
  if (isTruncated) {
    // A cut inside a line could leave half a boundary, which would read as content.
    const lastLineEnd = input.lastIndexOf(0x0a);
    if (lastLineEnd > 0) input = input.subarray(0, lastLineEnd + 1);
  }
  const scan = scanMime(input, { maxDepth, maxParts: MAX_PARTS, maxHeadBytes: MAX_HEAD_BYTES });
  if (scan.verdict === 'too-deep') return none(`MIME nesting deeper than ${maxDepth} levels`);
  if (scan.verdict === 'header-too-large') return none(`header block larger than ${MAX_HEAD_BYTES} bytes`);
  // Parts past the limits are dropped at a delimiter, so the parts before them are whole.
  const isCutInPart = isTruncated && !scan.isCutAtPart;

  const parsed = await splitParts(scan.mime, timeoutMs);
  if (parsed.isTimedOut) return none(`parsing took longer than ${timeoutMs} ms`);
  const why = parsed.failure ? ` (${parsed.failure})` : '';
  if (!parsed.contentType) return none(`no readable header${why}`);
  const type = parsed.contentType.value.toLowerCase();
  if (type !== 'multipart/report') return none(`not a report: ${type}`);

  // Only the report's own parts count (IMAP part numbers 1, 2, 3), not parts nested in them.
  const parts = parsed.parts.filter((p) => p.partId !== null && /^\d+$/.test(p.partId));
  const statusPart = parts.find((p) => STATUS_TYPES.has(p.contentType));
  const feedbackPart = parts.find((p) => p.contentType === FEEDBACK_TYPE);
  const original = parts.find((p) => ORIGINAL_TYPES.has(p.contentType));
  const returnPath = original ? returnPathOf(original.content.toString('utf8')) : null;
  const reportType = (parsed.contentType.params['report-type'] ?? '').trim().toLowerCase();

  // A report without report-type is read by the part it carries.
  if (reportType === 'delivery-status' || (reportType === '' && statusPart)) {
    if (!statusPart) return none(`delivery-status report without a delivery-status part${why}`);
    // When the input was cut inside the status part, no part follows it. (A part
    // mailparser failed inside never ends, so it is not among the parts at all.)
    const isCut = isCutInPart && parts[parts.length - 1] === statusPart;
    const status = readDeliveryStatus(statusPart.content.toString('utf8'), isCut);
    if (status.recipients.length === 0) return none(`delivery-status part names no recipient${why}`);
    return { kind: 'dsn', reportingMta: status.reportingMta, recipients: status.recipients, returnPath };
  }
  if (reportType === 'feedback-report' || (reportType === '' && feedbackPart)) {
    if (!feedbackPart) return none(`feedback report without a feedback-report part${why}`);
    return { kind: 'complaint', ...readFeedbackReport(feedbackPart.content.toString('utf8')), returnPath };
  }
  return none(`report-type ${reportType ? reportType.slice(0, 64) : '(none)'} is not a DSN or a complaint`);
}

interface Part {
  contentType: string;
  partId: string | null;
  content: Buffer;
}

interface SplitMessage {
  /** The top-level Content-Type, or null when the header block was never read. */
  contentType: StructuredHeader | null;
  /** Leaf parts that were read to their end, in message order; text parts are left out. */
  parts: Part[];
  /** Why mailparser stopped early (an EMAXLEN limit, a decoding error), or null. */
  failure: string | null;
  isTimedOut: boolean;
}

/** Runs mailparser over `input`, keeping the parts a report needs, until it ends, fails or runs out of time. */
function splitParts(input: Buffer, timeoutMs: number): Promise<SplitMessage> {
  return new Promise((resolve) => {
    const result: SplitMessage = { contentType: null, parts: [], failure: null, isTimedOut: false };
    const parser = new MailParser({
      keepDeliveryStatus: true,
      ignoreEmbedded: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      checksumAlgo: false,
      maxHeadSize: 64 * 1024,
      maxChildNodes: 2 * MAX_PARTS,
    });
    let isSettled = false;
    const settle = (): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      parser.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      result.isTimedOut = true;
      settle();
    }, timeoutMs);

    parser.on('headers', (headers) => {
      const value = headers.get('content-type');
      // RFC 2045 §5.2: no Content-Type means text/plain.
      result.contentType = value && typeof value === 'object' && 'params' in value
        ? value as StructuredHeader
        : { value: 'text/plain', params: {} };
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'attachment') readPart(data, result, settle);
    });
    parser.on('end', settle);
    // Stays attached after settling: a late error from a destroyed parser must not go unhandled.
    parser.on('error', (err: Error & { code?: string }) => {
      result.failure ??= err.code ?? err.message.slice(0, 100);
      settle();
    });
    try {
      parser.end(input);
    } catch (err) {
      result.failure = err instanceof Error ? err.message.slice(0, 100) : 'write failed';
      settle();
    }
  });
}

function readPart(attachment: AttachmentStream, result: SplitMessage, settle: () => void): void {
  const contentType = attachment.contentType.toLowerCase();
  const keepBytes = STATUS_TYPES.has(contentType) || contentType === FEEDBACK_TYPE
    ? Infinity
    : ORIGINAL_TYPES.has(contentType) ? MAX_ORIGINAL_BYTES : 0;
  const chunks: Buffer[] = [];
  let keptBytes = 0;
  attachment.content.on('data', (chunk: Buffer) => {
    if (keptBytes >= keepBytes) return;
    const kept = chunk.subarray(0, keepBytes - keptBytes);
    chunks.push(kept);
    keptBytes += kept.length;
  });
  attachment.content.on('end', () => {
    if (keepBytes > 0) result.parts.push({ contentType, partId: attachment.partId, content: Buffer.concat(chunks) });
    attachment.release?.();
  });
  attachment.content.on('error', (err: Error) => {
    // A part that fails to decode is left out; the parts before it still count.
    result.failure ??= `part ${attachment.partId ?? '1'}: ${err.message.slice(0, 100)}`;
    settle();
  });
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function none(reason: string): ParsedReport {
  return { kind: 'none', reason };
}
