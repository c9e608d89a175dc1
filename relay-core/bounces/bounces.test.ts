import { describe, expect, it } from 'vitest';
import { buildDsn, headersOf, parseReply, parseReplyLine, verdictOf } from './index.ts';

describe('replies', () => {
  it('parses the enhanced status from the reply text', () => {
    expect(parseReply(550, '5.1.1 <bob@example.org>: Recipient address rejected: User unknown')).toEqual({
      code: 550, enhanced: '5.1.1', text: '<bob@example.org>: Recipient address rejected: User unknown',
    });
    expect(parseReplyLine('421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred', 0)).toMatchObject({ code: 421, enhanced: '4.7.0' });
  });

  it('joins multi-line replies and strips each line prefix', () => {
    const gmail = '550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking the recipient\'s email address for typos or\r\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser';
    const reply = parseReplyLine(gmail, 0);
    expect(reply.code).toBe(550);
    expect(reply.enhanced).toBe('5.1.1');
    expect(reply.text).toMatch(/^The email account .* typos or unnecessary spaces\. https/);
  });

  it('ignores an enhanced status whose class disagrees with the code', () => {
    expect(parseReply(250, '5.1.1 odd').enhanced).toBeNull();
    expect(parseReply(451, 'try later').enhanced).toBeNull();
  });

  it('maps codes to verdicts: 2xx delivered, 4xx defer, 5xx bounce, nonsense defers', () => {
    expect([250, 451, 550, 0, 999].map((code) => verdictOf({ code, enhanced: null, text: '' }))).toEqual([
      'delivered', 'defer', 'bounce', 'defer', 'defer',
    ]);
  });
});

describe('DSN', () => {
  const original = Buffer.from('From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: hello\r\n\r\nsecret body\r\n');

  it('builds an RFC 3464 report with the original headers only', () => {
    const dsn = buildDsn({
      reportingMta: 'relay.example.org', queueId: 'Q1', mailFrom: 'alice@example.org', arrivalDate: new Date(0),
      originalHeaders: headersOf(original),
      recipients: [{ rcptTo: 'bob@example.net', reason: 'bounced', reply: parseReply(550, '5.1.1 no such user'), remoteMta: 'mx.example.net', lastAttemptAt: new Date(0) }],
    }).toString();
    expect(dsn).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@relay\.example\.org>\r\n/);
    expect(dsn).toContain('Content-Type: multipart/report; report-type=delivery-status;');
    expect(dsn).toContain('Reporting-MTA: dns; relay.example.org');
    expect(dsn).toContain('Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.example.net\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user');
    expect(dsn).toContain('Content-Type: text/rfc822-headers\r\n\r\nFrom: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: hello\r\n');
    expect(dsn).not.toContain('secret body');
    expect(dsn).not.toMatch(/[^\r]\n/);
  });

  it('reports expiry as 4.4.7 with the last answer', () => {
    const dsn = buildDsn({
      reportingMta: 'r', queueId: 'Q2', mailFrom: 'a@b', arrivalDate: new Date(0), originalHeaders: 'Subject: x',
      recipients: [{ rcptTo: 'c@d', reason: 'expired', reply: parseReply(451, '4.7.1 greylisted'), remoteMta: 'mx', lastAttemptAt: null }],
    }).toString();
    expect(dsn).toContain('Status: 4.4.7');
    expect(dsn).toContain('maximum time in the queue; last answer: 451 4.7.1 greylisted');
  });

  it('warns of a delay with Action: delayed and the transient status, without claiming a failure', () => {
    const dsn = buildDsn({
      reportingMta: 'r', queueId: 'Q4', mailFrom: 'a@b', arrivalDate: new Date(0), originalHeaders: 'Subject: x',
      recipients: [{ rcptTo: 'c@d', reason: 'delayed', reply: parseReply(452, '4.2.2 mailbox full'), remoteMta: 'mx', lastAttemptAt: null }],
    }).toString();
    expect(dsn).toContain('Subject: Delayed Mail (still being retried)');
    expect(dsn).toContain('Action: delayed\r\nStatus: 4.2.2');
    expect(dsn).toContain('This is only a warning');
    expect(dsn).not.toContain('Action: failed');
  });

  it('cannot be broken by hostile reply text or addresses', () => {
    const dsn = buildDsn({
      reportingMta: 'r', queueId: 'Q3', mailFrom: 'a@b\r\nBcc: evil@x', arrivalDate: new Date(0), originalHeaders: 'Subject: x',
      recipients: [{ rcptTo: 'c@d', reason: 'bounced', reply: parseReply(550, '5.0.0 bad\r\n\r\n--boundary\r\nContent-Type: text/html'), remoteMta: 'mx', lastAttemptAt: null }],
    }).toString();
    expect(dsn).not.toMatch(/^Bcc:/m);
    expect(dsn).not.toMatch(/^Content-Type: text\/html/m);
  });
});
