import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDsn, classifyReply, parseReply, parseReport, type ParsedReport } from './index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const MIB = 1024 * 1024;

function dsnOf(report: ParsedReport): Extract<ParsedReport, { kind: 'dsn' }> {
  if (report.kind !== 'dsn') throw new Error(`expected a dsn, got ${JSON.stringify(report)}`);
  return report;
}

/** A minimal multipart/report around the given parts, each `[headers, body]`, LF line ends. */
function report(reportType: string | null, parts: [string, string][], boundary = 'b'): Buffer {
  const type = reportType === null ? '' : ` report-type=${reportType};`;
  const body = parts.map(([headers, content]) => `--${boundary}\n${headers}\n\n${content}\n`).join('');
  return Buffer.from(`From: MAILER-DAEMON@mx.example.org\nMIME-Version: 1.0\nContent-Type: multipart/report;${type} boundary="${boundary}"\n\n${body}--${boundary}--\n`);
}

const ORIGINAL = 'Return-Path: <returns+abcdefghij234567@bounces.example.net>\nFrom: news@shop.example.com\nSubject: hi\n\nbody';
const statusPart = (recipients: string): [string, string] => ['Content-Type: message/delivery-status', `Reporting-MTA: dns; mx.example.org\n\n${recipients}`];
const feedbackPart = (fields: string): [string, string] => ['Content-Type: message/feedback-report', fields];

describe('parseReport on DSNs from real MTAs', () => {
  it('reads a Postfix bounce: folded diagnostic, original recipient, Return-Path of the quoted message', async () => {
    expect(await parseReport(fixture('postfix-user-unknown.eml'))).toEqual({
      kind: 'dsn',
      reportingMta: 'mail.example.org',
      returnPath: 'returns+abcdefghij234567@bounces.example.net',
      recipients: [{
        finalRecipient: 'nobody@example.org',
        originalRecipient: 'nobody@example.org',
        action: 'failed',
        status: '5.1.1',
        diagnostic: { code: 550, enhanced: '5.1.1', text: '<nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table' },
        remoteMta: 'mx2.example.org',
      }],
    });
  });

  it('reads an Exim bounce whose Status (5.0.0) is vaguer than the reply it quotes (5.1.1)', async () => {
    const dsn = dsnOf(await parseReport(fixture('exim-failed.eml')));
    expect(dsn.reportingMta).toBe('mail.example.com');
    expect(dsn.returnPath).toBe('returns+bcdefghijk234567@bounces.example.net');
    expect(dsn.recipients).toEqual([{
      finalRecipient: 'jdoe@lists.example.com',
      originalRecipient: null,
      action: 'failed',
      status: '5.0.0',
      diagnostic: { code: 550, enhanced: '5.1.1', text: '<jdoe@lists.example.com>: Recipient address rejected: User unknown' },
      remoteMta: 'mx.lists.example.com',
    }]);
  });

  it('reads an Exchange Online NDR: 550 5.1.10 RESOLVER.ADR.RecipientNotFound, no Remote-MTA', async () => {
    const dsn = dsnOf(await parseReport(fixture('exchange-online-ndr.eml')));
    expect(dsn.reportingMta).toBe('AM0PR01MB1234.eurprd01.prod.exchangelabs.com');
    expect(dsn.returnPath).toBe('returns+cdefghijkl234567@bounces.example.net');
    expect(dsn.recipients).toEqual([{
      finalRecipient: 'nobody@contoso.com',
      originalRecipient: null,
      action: 'failed',
      status: '5.1.10',
      diagnostic: {
        code: 550, enhanced: '5.1.10',
        text: 'RESOLVER.ADR.RecipientNotFound; Recipient nobody@contoso.com not found by SMTP address lookup',
      },
      remoteMta: null,
    }]);
  });

  it('reads a Gmail DSN: multi-line 550-5.1.1 reply, commented Remote-MTA, report nested three deep', async () => {
    const dsn = dsnOf(await parseReport(fixture('gmail-dsn.eml')));
    expect(dsn.reportingMta).toBe('googlemail.com');
    expect(dsn.returnPath).toBe('returns+defghijklm234567@bounces.example.net');
    const [recipient] = dsn.recipients;
    expect(recipient).toMatchObject({ finalRecipient: 'nobody.here@gmail.com', action: 'failed', status: '5.1.1', remoteMta: 'gmail-smtp-in.l.google.com' });
    expect(recipient!.diagnostic).toMatchObject({ code: 550, enhanced: '5.1.1' });
    expect(recipient!.diagnostic!.text).toMatch(/^The email account that you tried to reach does not exist\. Please try double-checking .* unnecessary spaces\. .*p=NoSuchUser/);
    expect(recipient!.diagnostic!.text).not.toMatch(/550[- ]5\.1\.1/);
  });

  it('reads a Postfix delay warning (Action: delayed, 452 4.2.2 mailbox full) with text/rfc822-headers', async () => {
    const dsn = dsnOf(await parseReport(fixture('postfix-delayed-mailbox-full.eml')));
    expect(dsn.returnPath).toBe('returns+efghijklmn234567@bounces.example.net');
    expect(dsn.recipients).toEqual([{
      finalRecipient: 'carol@example.org',
      originalRecipient: 'carol@example.org',
      action: 'delayed',
      status: '4.2.2',
      diagnostic: { code: 452, enhanced: '4.2.2', text: '<carol@example.org> Quota exceeded (mailbox for user is full)' },
      remoteMta: 'mail.example.org',
    }]);
  });

  it('reads a Sendmail bounce with two recipients and upper-case address, MTA and diagnostic types', async () => {
    const dsn = dsnOf(await parseReport(fixture('sendmail-mailbox-full.eml')));
    expect(dsn.reportingMta).toBe('mx.example.com');
    expect(dsn.returnPath).toBe('returns+fghijklmno234567@bounces.example.net');
    expect(dsn.recipients.map((r) => [r.finalRecipient, r.action, r.status, r.diagnostic, r.remoteMta])).toEqual([
      ['dave@example.com', 'failed', '5.2.2', { code: 552, enhanced: '5.2.2', text: 'Mailbox full' }, 'mailstore.example.com'],
      ['erin@example.com', 'failed', '5.2.1', { code: 550, enhanced: '5.2.1', text: 'Mailbox disabled, not accepting messages' }, 'mailstore.example.com'],
    ]);
  });

  it('reads a success notification: delivered (X-Postfix diagnostic becomes a 250 from the status) and relayed', async () => {
    const dsn = dsnOf(await parseReport(fixture('postfix-success.eml')));
    expect(dsn.returnPath).toBe('returns+ghijklmnop234567@bounces.example.net');
    expect(dsn.recipients).toEqual([
      {
        finalRecipient: 'frank@example.org', originalRecipient: 'frank@example.org', action: 'delivered', status: '2.0.0',
        diagnostic: { code: 250, enhanced: '2.0.0', text: 'delivery via dovecot: delivered via dovecot service' }, remoteMta: null,
      },
      {
        finalRecipient: 'grace@partner.example', originalRecipient: 'grace@partner.example', action: 'relayed', status: '2.0.0',
        diagnostic: { code: 250, enhanced: '2.0.0', text: 'Ok: queued as 4VJC7f0RwKz1xyZ' }, remoteMta: 'mx.partner.example',
      },
    ]);
  });

  it('gives diagnostics the classifier understands', async () => {
    const categoryOf = async (name: string, index = 0): Promise<string> =>
      classifyReply(dsnOf(await parseReport(fixture(name))).recipients[index]!.diagnostic!).category;
    expect(await categoryOf('gmail-dsn.eml')).toBe('invalid-recipient');
    expect(await categoryOf('postfix-user-unknown.eml')).toBe('invalid-recipient');
    expect(await categoryOf('exim-failed.eml')).toBe('invalid-recipient');
    expect(await categoryOf('exchange-online-ndr.eml')).toBe('invalid-recipient');
    expect(await categoryOf('postfix-delayed-mailbox-full.eml')).toBe('mailbox-full');
    expect(await categoryOf('sendmail-mailbox-full.eml', 0)).toBe('mailbox-full');
    expect(await categoryOf('sendmail-mailbox-full.eml', 1)).toBe('mailbox-disabled');
    expect(await categoryOf('postfix-success.eml')).toBe('delivered');
  });

  it('reads the DSNs relais itself builds, delayed and expired recipients included', async () => {
    const raw = buildDsn({
      reportingMta: 'relay.example.net', queueId: 'Q1', mailFrom: 'alice@shop.example.com', arrivalDate: new Date(0),
      originalHeaders: 'Return-Path: <returns+abcdefghij234567@bounces.example.net>\r\nSubject: hello',
      recipients: [
        { rcptTo: 'bob@example.org', reason: 'bounced', reply: parseReply(550, '5.1.1 no such user'), remoteMta: 'mx.example.org', lastAttemptAt: null },
        { rcptTo: 'carol@example.org', reason: 'expired', reply: parseReply(451, '4.7.1 greylisted'), remoteMta: null, lastAttemptAt: null },
      ],
    });
    const dsn = dsnOf(await parseReport(raw));
    expect(dsn.reportingMta).toBe('relay.example.net');
    expect(dsn.returnPath).toBe('returns+abcdefghij234567@bounces.example.net');
    expect(dsn.recipients.map((r) => [r.finalRecipient, r.action, r.status, r.diagnostic])).toEqual([
      ['bob@example.org', 'failed', '5.1.1', { code: 550, enhanced: '5.1.1', text: 'no such user' }],
      // The last reply was a 451 but the DSN's own status (4.4.7, expired) is what the report states.
      ['carol@example.org', 'failed', '4.4.7', { code: 451, enhanced: '4.7.1', text: 'greylisted' }],
    ]);
  });

  it('reads every fixture the same with CRLF line ends', async () => {
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'))) {
      const lf = fixture(name);
      const crlf = Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
      expect(await parseReport(crlf), name).toEqual(await parseReport(lf));
    }
  });
});

describe('parseReport on complaints', () => {
  it('reads a Yahoo/AOL-style ARF with the full original (inline message/rfc822)', async () => {
    expect(await parseReport(fixture('yahoo-arf.eml'))).toEqual({
      kind: 'complaint',
      feedbackType: 'abuse',
      userAgent: 'Yahoo!-Mail-Feedback/2.0',
      originalMailFrom: 'returns+hijklmnopq234567@bounces.example.net',
      originalRcptTo: ['henry@aol.com'],
      returnPath: 'returns+hijklmnopq234567@bounces.example.net',
      arrivalDate: new Date('2024-04-16T08:40:02Z'),
    });
  });

  it('reads a Microsoft JMRP report: no recipient, the draft Received-Date, a bare Return-Path mid-header', async () => {
    expect(await parseReport(fixture('microsoft-jmrp.eml'))).toEqual({
      kind: 'complaint',
      feedbackType: 'abuse',
      userAgent: 'Hotmail FBL',
      originalMailFrom: 'returns+ijklmnopqr234567@bounces.example.net',
      originalRcptTo: [],
      returnPath: 'returns+ijklmnopqr234567@bounces.example.net',
      arrivalDate: new Date('2024-04-16T16:51:20Z'),
    });
  });

  it('reads a complaint that quotes only the original headers (text/rfc822-headers), recipients repeated', async () => {
    expect(await parseReport(fixture('arf-headers-only.eml'))).toEqual({
      kind: 'complaint',
      feedbackType: 'abuse',
      userAgent: 'ISP-FBL/3.1',
      originalMailFrom: 'returns+jklmnopqrs234567@bounces.example.net',
      originalRcptTo: ['kim@isp.example', 'lee@isp.example'],
      returnPath: 'returns+jklmnopqrs234567@bounces.example.net',
      arrivalDate: new Date('2024-04-16T11:58:44Z'),
    });
  });

  it('lower-cases the feedback type, falls back to other without one, and to X-Original-Return-Path', async () => {
    const notSpam = await parseReport(report('feedback-report', [
      feedbackPart('Feedback-Type: Not-Spam\nVersion: 1'),
      ['Content-Type: text/rfc822-headers', 'X-Original-Return-Path: <returns+abcdefghij234567@bounces.example.net>\nSubject: hi'],
    ]));
    expect(notSpam).toMatchObject({ kind: 'complaint', feedbackType: 'not-spam', returnPath: 'returns+abcdefghij234567@bounces.example.net', originalRcptTo: [], arrivalDate: null });
    const untyped = await parseReport(report('feedback-report', [feedbackPart('User-Agent: x\nArrival-Date: not a date')]));
    expect(untyped).toMatchObject({ kind: 'complaint', feedbackType: 'other', userAgent: 'x', returnPath: null, arrivalDate: null });
  });
});

describe('parseReport on what is not a report', () => {
  it('answers none for an auto-reply, a read receipt (another report-type), garbage, binary and nothing', async () => {
    expect(await parseReport(fixture('auto-reply.eml'))).toEqual({ kind: 'none', reason: 'not a report: text/plain' });
    expect(await parseReport(fixture('read-receipt.eml'))).toEqual({ kind: 'none', reason: 'report-type disposition-notification is not a DSN or a complaint' });
    expect(await parseReport(Buffer.from('hello'))).toMatchObject({ kind: 'none' });
    expect(await parseReport(randomBytes(MIB))).toMatchObject({ kind: 'none' });
    expect(await parseReport(Buffer.alloc(0))).toEqual({ kind: 'none', reason: 'empty input' });
    expect(await parseReport(undefined as unknown as Buffer)).toEqual({ kind: 'none', reason: 'empty input' });
  });

  it('answers none for a delivery-status report without the part or without a recipient', async () => {
    expect(await parseReport(report('delivery-status', [['Content-Type: text/plain', 'sorry']]))).toMatchObject({ kind: 'none', reason: expect.stringMatching(/without a delivery-status part/) });
    expect(await parseReport(report('delivery-status', [statusPart('')]))).toMatchObject({ kind: 'none', reason: expect.stringMatching(/names no recipient/) });
  });
});

describe('parseReport field rules', () => {
  it('accepts a report without report-type, and the RFC 6533 global part with utf-8 addresses', async () => {
    const global = await parseReport(report(null, [
      ['Content-Type: message/global-delivery-status', 'Reporting-MTA: dns; mx.example.jp\n\nFinal-Recipient: utf-8; \\x{4F8B}@example.jp\nOriginal-Recipient: utf-8; <user@例え.jp>\nAction: failed\nStatus: 5.1.1'],
      ['Content-Type: message/global', ORIGINAL],
    ]));
    expect(dsnOf(global).recipients[0]).toMatchObject({ finalRecipient: '例@example.jp', originalRecipient: 'user@例え.jp' });
    expect(dsnOf(global).returnPath).toBe('returns+abcdefghij234567@bounces.example.net');
  });

  it('nulls unknown actions and malformed statuses, and makes a reply from the status when no server answered', async () => {
    const dsn = dsnOf(await parseReport(report('delivery-status', [statusPart([
      'Final-Recipient: rfc822; a@example.org\nAction: FAILED (permanent)\nStatus: 5.1.2 (bad domain)\nDiagnostic-Code: X-Postfix; Host or domain name not found',
      'Final-Recipient: rfc822; <b@example.org>\nAction: exploded\nStatus: 5.1\nRemote-MTA: dns; [192.0.2.1]',
      'final-recipient: RFC822;c@example.org\naction: delayed\nstatus: 4.04.007\ndiagnostic-code: smtp; 421 try later',
      'Final-Recipient: rfc822; d@example.org\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 5.7.1 relaying denied',
    ].join('\n\n'))])));
    expect(dsn.recipients).toEqual([
      { finalRecipient: 'a@example.org', originalRecipient: null, action: 'failed', status: '5.1.2', remoteMta: null,
        diagnostic: { code: 550, enhanced: '5.1.2', text: 'Host or domain name not found' } },
      { finalRecipient: 'b@example.org', originalRecipient: null, action: null, status: null, remoteMta: '[192.0.2.1]', diagnostic: null },
      { finalRecipient: 'c@example.org', originalRecipient: null, action: 'delayed', status: '4.4.7', remoteMta: null,
        diagnostic: { code: 421, enhanced: '4.4.7', text: 'try later' } },
      { finalRecipient: 'd@example.org', originalRecipient: null, action: 'failed', status: '5.0.0', remoteMta: null,
        diagnostic: { code: 550, enhanced: '5.7.1', text: 'relaying denied' } },
    ]);
  });

  it('gives a null returnPath when the original has none, has <>, or is not quoted', async () => {
    const recipient = 'Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1';
    const returnPathWith = async (original: [string, string][]): Promise<string | null> =>
      dsnOf(await parseReport(report('delivery-status', [statusPart(recipient), ...original]))).returnPath;
    expect(await returnPathWith([])).toBeNull();
    expect(await returnPathWith([['Content-Type: message/rfc822', 'From: a@b\nSubject: x\n\nReturn-Path: <in@body.example>']])).toBeNull();
    expect(await returnPathWith([['Content-Type: message/rfc822', 'Return-Path: <>\nFrom: a@b']])).toBeNull();
    expect(await returnPathWith([['Content-Type: text/rfc822-headers', '\nReturn-Path: <after@blank.example>']])).toBeNull();
  });

  it('reads a base64-encoded delivery-status part and strips NUL and control characters from values', async () => {
    const fields = 'Reporting-MTA: dns; mx\x00.example.org\n\nFinal-Recipient: rfc822; a\x00b@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no\x00such\x07user';
    const dsn = dsnOf(await parseReport(report('delivery-status', [
      ['Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64', Buffer.from(fields).toString('base64').replace(/.{76}/g, '$&\n')],
    ])));
    expect(JSON.stringify(dsn)).not.toMatch(/\\u000/);
    expect(dsn.recipients[0]).toMatchObject({ finalRecipient: 'a b@example.org', diagnostic: { code: 550, enhanced: '5.1.1', text: 'no such user' } });
  });
});

describe('parseReport on hostile input', () => {
  function nestedMultiparts(depth: number): Buffer {
    let text = 'From: a@example.org\nContent-Type: multipart/report; report-type=delivery-status; boundary="b0"\n\n';
    for (let i = 1; i < depth; i++) text += `--b${i - 1}\nContent-Type: multipart/mixed; boundary="b${i}"\n\n`;
    text += `--b${depth - 1}\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\n\n`;
    for (let i = depth - 1; i >= 0; i--) text += `--b${i}--\n`;
    return Buffer.from(text);
  }

  it('refuses MIME nesting deeper than maxDepth before mailparser sees it', async () => {
    expect(await parseReport(nestedMultiparts(1000))).toEqual({ kind: 'none', reason: 'MIME nesting deeper than 20 levels' });
    expect(await parseReport(nestedMultiparts(100_000))).toEqual({ kind: 'none', reason: 'MIME nesting deeper than 20 levels' });
    expect(await parseReport(nestedMultiparts(21))).toEqual({ kind: 'none', reason: 'MIME nesting deeper than 20 levels' });
    // The Gmail DSN nests report > related > alternative.
    expect(await parseReport(fixture('gmail-dsn.eml'), { maxDepth: 2 })).toEqual({ kind: 'none', reason: 'MIME nesting deeper than 2 levels' });
    expect((await parseReport(fixture('gmail-dsn.eml'), { maxDepth: 3 })).kind).toBe('dsn');
  });

  it('does not count the parts of a quoted original, which is never walked', async () => {
    // The Yahoo complaint quotes a multipart/alternative message.
    expect((await parseReport(fixture('yahoo-arf.eml'), { maxDepth: 1 })).kind).toBe('complaint');
    let nestedOriginals = '';
    for (let i = 0; i < 5000; i++) nestedOriginals += 'Content-Type: message/rfc822\n\n';
    const dsn = report('delivery-status', [statusPart('Final-Recipient: rfc822; a@example.org\nAction: failed'), ['Content-Type: message/rfc822', nestedOriginals]]);
    expect((await parseReport(dsn)).kind).toBe('dsn');
  });

  it('parses only the first maxBytes of a 20 MB report and still uses its complete parts', async () => {
    const original = fixture('postfix-user-unknown.eml').toString();
    const huge = Buffer.from(original.replace('here is what is new this month.', 'x'.repeat(76).concat('\n').repeat(280_000)));
    expect(huge.length).toBeGreaterThan(20 * MIB);
    const dsn = dsnOf(await parseReport(huge));
    expect(dsn.recipients.map((r) => r.finalRecipient)).toEqual(['nobody@example.org']);
    expect(dsn.returnPath).toBe('returns+abcdefghij234567@bounces.example.net');
    expect(await parseReport(Buffer.alloc(20 * MIB, 'a'))).toMatchObject({ kind: 'none' });
  });

  it('keeps only the complete recipient blocks when the cut falls inside the delivery-status part', async () => {
    const raw = fixture('postfix-success.eml');
    const dsn = dsnOf(await parseReport(raw, { maxBytes: raw.indexOf('Action: relayed') }));
    expect(dsn.recipients.map((r) => r.finalRecipient)).toEqual(['frank@example.org']);
    expect(dsn.returnPath).toBeNull();
    const cutInOriginal = await parseReport(fixture('postfix-user-unknown.eml'), { maxBytes: fixture('postfix-user-unknown.eml').indexOf('Subject: Your April') });
    expect(dsnOf(cutInOriginal).returnPath).toBe('returns+abcdefghij234567@bounces.example.net');
  });

  it('refuses a 100 000-line header and a 100 000-line folded Content-Type', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `X-Filler-${i}: value`).join('\n');
    const tooLarge = { kind: 'none', reason: 'header block larger than 262144 bytes' };
    expect(await parseReport(Buffer.from(`${lines}\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n`))).toEqual(tooLarge);
    const folded = `Content-Type: multipart/report;${'\n ;'.repeat(100_000)} boundary=b\n\n--b\n`;
    expect(await parseReport(Buffer.from(folded))).toEqual(tooLarge);
  });

  it('drops a part whose header block is too large, and the parts after it, but keeps those before', async () => {
    const filler = Array.from({ length: 20_000 }, (_, i) => `X-Filler-${i}: value`).join('\n');
    const dsn = dsnOf(await parseReport(report('delivery-status', [
      statusPart('Final-Recipient: rfc822; a@example.org\nAction: failed'),
      [`Content-Type: message/rfc822\n${filler}`, ORIGINAL],
      ['Content-Type: text/rfc822-headers', ORIGINAL],
    ])));
    expect(dsn.recipients.map((r) => r.finalRecipient)).toEqual(['a@example.org']);
    expect(dsn.returnPath).toBeNull();
  });

  it('survives NUL bytes, invalid base64 and a 1 MB single-line delivery-status part', async () => {
    expect(await parseReport(Buffer.alloc(MIB))).toMatchObject({ kind: 'none' });
    const withNuls = Buffer.from(fixture('postfix-user-unknown.eml').toString().replace(/\n/g, '\n\x00'));
    expect((await parseReport(withNuls)).kind).toMatch(/^(dsn|none)$/);
    const badBase64 = report('delivery-status', [['Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64', '!!!!****%%%%====\n\x00\xff'.repeat(1000)]]);
    expect(await parseReport(badBase64)).toMatchObject({ kind: 'none' });
    expect(await parseReport(report('delivery-status', [statusPart('A'.repeat(MIB))]))).toMatchObject({ kind: 'none' });
    const longValue = dsnOf(await parseReport(report('delivery-status', [statusPart(`Final-Recipient: rfc822; ${'a'.repeat(MIB / 2)}\nAction: failed`)])));
    expect(longValue.recipients[0]!.finalRecipient!.length).toBeLessThanOrEqual(1000);
    expect(longValue.recipients[0]!.action).toBe('failed');
  });

  it('keeps 100 of 10 000 recipient blocks', async () => {
    const blocks = Array.from({ length: 10_000 }, (_, i) => `Final-Recipient: rfc822; r${i}@example.org\nAction: failed\nStatus: 5.1.1`).join('\n\n');
    const dsn = dsnOf(await parseReport(report('delivery-status', [statusPart(blocks)])));
    expect(dsn.recipients).toHaveLength(100);
    expect(dsn.recipients[99]!.finalRecipient).toBe('r99@example.org');
  });

  it('keeps the first 200 parts of a report with 5000', async () => {
    const junk: [string, string][] = Array.from({ length: 5000 }, () => ['Content-Type: text/plain', 'x']);
    const dsn = dsnOf(await parseReport(report('delivery-status', [statusPart('Final-Recipient: rfc822; a@example.org\nAction: failed'), ...junk])));
    expect(dsn.recipients.map((r) => r.finalRecipient)).toEqual(['a@example.org']);
  });

  it('survives long runs of dashes and spaces that look almost like delimiters', async () => {
    const dashes = `--b${' '.repeat(900)}x\n`.repeat(1000) + '-'.repeat(MIB / 2);
    expect(await parseReport(report('delivery-status', [statusPart(dashes)]))).toMatchObject({ kind: 'none' });
  });

  it('gives up with none when the deadline passes first', async () => {
    const big = report('delivery-status', [statusPart('Final-Recipient: rfc822; a@example.org'), ['Content-Type: text/plain', 'x'.repeat(MIB - 1000)]]);
    expect(await parseReport(big, { timeoutMs: 1 })).toEqual({ kind: 'none', reason: 'parsing took longer than 1 ms' });
  });
});
