// RFC 3464 delivery status notifications: one multipart/report per failure
// event of a message, carrying the original headers only (never the body),
// sent with a null envelope sender by the caller.
import { randomBytes } from 'node:crypto';
import { formatReply, type Reply } from './reply.ts';

export interface FailedRecipient {
  rcptTo: string;
  /**
   * `bounced`: a 5xx answer; `expired`: gave up after the maximum queue
   * lifetime; `delayed`: still being retried (a warning, RFC 3464 Action: delayed).
   */
  reason: 'bounced' | 'expired' | 'delayed';
  /** The last answer seen, if any server answered. */
  reply: Reply | null;
  remoteMta: string | null;
  lastAttemptAt: Date | null;
}

export interface DsnInput {
  reportingMta: string;
  queueId: string;
  mailFrom: string;
  arrivalDate: Date;
  originalHeaders: string;
  recipients: FailedRecipient[];
  /** What the notice says first, instead of the usual sentence (e.g. for a failure reported later by the receiver). */
  intro?: string;
  now?: Date;
}

/** Removes what could end a header line or a MIME part early. */
function oneLine(text: string, max = 900): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, max);
}

function statusOf(r: FailedRecipient): string {
  if (r.reason === 'expired') return '4.4.7';
  if (r.reason === 'delayed') return r.reply?.enhanced?.startsWith('4.') ? r.reply.enhanced : '4.0.0';
  return r.reply?.enhanced?.startsWith('5.') ? r.reply.enhanced : '5.0.0';
}

function explain(r: FailedRecipient): string {
  const answer = r.reply ? formatReply(r.reply) : '';
  if (r.reason === 'expired') return `delivery gave up after the maximum time in the queue${answer ? `; last answer: ${answer}` : ''}`;
  if (r.reason === 'delayed') return `not delivered yet, still trying${answer ? `; last answer: ${answer}` : ''}`;
  return `${r.remoteMta ? `host ${r.remoteMta} said: ` : ''}${answer || 'permanent failure'}`;
}

/** The header block of a raw message (up to the first empty line), CRLF line ends. */
export function headersOf(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  return Buffer.from(block, 'latin1').toString('utf8').replace(/\r?\n/g, '\r\n');
}

export function buildDsn(input: DsnInput): Buffer {
  const now = input.now ?? new Date();
  const boundary = `relais-dsn-${randomBytes(12).toString('hex')}`;
  const host = oneLine(input.reportingMta, 255);
  const explanation = input.recipients.map((r) => `<${oneLine(r.rcptTo, 320)}>: ${oneLine(explain(r))}`).join('\r\n\r\n');
  const isWarning = input.recipients.every((r) => r.reason === 'delayed');
  const perRecipient = input.recipients
    .map((r) => {
      const lines = [
        `Final-Recipient: rfc822; ${oneLine(r.rcptTo, 320)}`,
        `Action: ${r.reason === 'delayed' ? 'delayed' : 'failed'}`,
        `Status: ${statusOf(r)}`,
      ];
      if (r.remoteMta) lines.push(`Remote-MTA: dns; ${oneLine(r.remoteMta, 255)}`);
      if (r.reply) lines.push(`Diagnostic-Code: smtp; ${oneLine(formatReply(r.reply))}`);
      if (r.lastAttemptAt) lines.push(`Last-Attempt-Date: ${r.lastAttemptAt.toUTCString()}`);
      return lines.join('\r\n');
    })
    .join('\r\n\r\n');

  const message = [
    `From: Mail Delivery System <MAILER-DAEMON@${host}>`,
    `To: <${oneLine(input.mailFrom, 320)}>`,
    `Subject: ${isWarning ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${Date.now().toString(36)}.${randomBytes(6).toString('hex')}@${host}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `This is the mail system at host ${host}.`,
    '',
    input.intro ? oneLine(input.intro, 2000) : isWarning
      ? 'Your message could not be delivered yet to one or more recipients. This is only a warning: delivery will be tried again, and you will be told if it finally fails.'
      : 'Your message could not be delivered to one or more recipients.',
    '',
    explanation,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${host}`,
    `X-Relais-Queue-ID: ${oneLine(input.queueId, 64)}`,
    `Arrival-Date: ${input.arrivalDate.toUTCString()}`,
    '',
    perRecipient,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    input.originalHeaders.replace(/\r?\n$/, ''),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(message, 'utf8');
}
