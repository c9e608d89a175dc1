// Reports as receivers send them back to the returns address: an RFC 3464
// DSN in Postfix's shape, and an RFC 5965 (ARF) complaint as feedback loops
// send them. Built here so each test can aim one at a chosen token.
import { SmtpTestClient, type SmtpReply } from '../support/smtp-client.ts';

export function dsnReport(o: { finalRecipient: string; action?: string; status?: string; diagnostic?: string; returnPath?: string }): string {
  const status = o.status ?? '5.1.1';
  return [
    'From: MAILER-DAEMON@mx.dest.test (Mail Delivery System)',
    'To: returns@returns.test',
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
    '',
    '--B1',
    'Content-Type: text/plain',
    '',
    'This is the mail system at host mx.dest.test. Your message could not be delivered.',
    '',
    '--B1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.dest.test',
    'Arrival-Date: Sat, 28 Nov 2026 10:00:00 +0000',
    '',
    `Final-Recipient: rfc822; ${o.finalRecipient}`,
    `Action: ${o.action ?? 'failed'}`,
    `Status: ${status}`,
    'Remote-MTA: dns; mailstore.dest.test',
    `Diagnostic-Code: smtp; ${o.diagnostic ?? `550 ${status} <${o.finalRecipient}>: Recipient address rejected: User unknown in local recipient table`}`,
    '',
    '--B1',
    'Content-Type: text/rfc822-headers',
    '',
    ...(o.returnPath ? [`Return-Path: <${o.returnPath}>`] : []),
    'From: app@example.org',
    'Subject: hello',
    '',
    '--B1--',
    '',
  ].join('\r\n');
}

export function arfReport(o: { returnPath: string; feedbackType?: string }): string {
  return [
    'From: feedbackloop@fbl.dest.test',
    'To: returns@returns.test',
    'Subject: FW: hello',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="A1"',
    '',
    '--A1',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.25.',
    '',
    '--A1',
    'Content-Type: message/feedback-report',
    '',
    `Feedback-Type: ${o.feedbackType ?? 'abuse'}`,
    'User-Agent: DestFBL/1.0',
    'Version: 1',
    'Source-IP: 192.0.2.25',
    'Arrival-Date: Sat, 28 Nov 2026 10:00:00 +0000',
    '',
    '--A1',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    `Return-Path: <${o.returnPath}>`,
    'From: app@example.org',
    'To: redacted@dest.test',
    'Subject: hello',
    '',
    'hello',
    '',
    '--A1--',
    '',
  ].join('\r\n');
}

/** One SMTP transaction without AUTH from `localAddress`; every reply on the way. */
export async function sendRaw(o: { port: number; localAddress: string; mailFrom?: string; rcptTo: string[]; body: string | Buffer }): Promise<{ mail: SmtpReply; rcpts: SmtpReply[]; data: SmtpReply | null }> {
  const { client } = await SmtpTestClient.connect({ host: '127.0.0.1', port: o.port, localAddress: o.localAddress, timeoutMs: 30_000 });
  try {
    await client.command('EHLO mx.returns.test');
    const mail = await client.command(`MAIL FROM:<${o.mailFrom ?? ''}>`);
    const rcpts: SmtpReply[] = [];
    for (const rcpt of o.rcptTo) rcpts.push(await client.command(`RCPT TO:<${rcpt}>`));
    if (mail.code !== 250 || !rcpts.some((r) => r.code === 250)) return { mail, rcpts, data: null };
    const go = await client.command('DATA');
    if (go.code !== 354) return { mail, rcpts, data: go };
    const text = Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body);
    // Dot-stuffing (RFC 5321 §4.5.2).
    client.write(Buffer.from(text.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1'));
    const data = await client.command('\r\n.');
    return { mail, rcpts, data };
  } finally {
    client.destroy();
  }
}
