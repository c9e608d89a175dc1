import { describe, expect, it } from 'vitest';
import { parseFromAddresses, sliceHeaderBlock, normalizeLineEndings, formatReceivedHeader, unfoldFields } from './message.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('normalizeLineEndings', () => {
  it('turns every bare LF and bare CR into CRLF and leaves CRLF alone', () => {
    expect(normalizeLineEndings(b('a\nb\rc\r\nd\r\r\ne\n\r')).toString()).toBe('a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\n');
  });

  it('turns a smuggled bare-LF or bare-CR end of data into an ordinary "." line', () => {
    expect(normalizeLineEndings(b('x\n.\nMAIL FROM:<a@b.test>\r\n')).toString()).toBe('x\r\n.\r\nMAIL FROM:<a@b.test>\r\n');
    expect(normalizeLineEndings(b('x\r.\rDATA\r\n')).toString()).toBe('x\r\n.\r\nDATA\r\n');
  });

  it('makes the message end with CRLF and returns a clean message unchanged', () => {
    expect(normalizeLineEndings(b('no newline')).toString()).toBe('no newline\r\n');
    const clean = b('a\r\nb\r\n');
    expect(normalizeLineEndings(clean)).toBe(clean);
    expect(normalizeLineEndings(b('')).length).toBe(0);
  });
});

describe('header parsing', () => {
  it('stops at the first empty line, or takes the whole of a body-less message', () => {
    expect(sliceHeaderBlock(b('A: 1\r\nB: 2\r\n\r\nFrom: body\r\n')).toString()).toBe('A: 1\r\nB: 2\r\n');
    expect(sliceHeaderBlock(b('A: 1\r\n')).toString()).toBe('A: 1\r\n');
    expect(sliceHeaderBlock(b('\r\nFrom: x@y.test\r\n')).length).toBe(0);
  });

  it('unfolds continuation lines into their field', () => {
    expect(unfoldFields(b('Subject: a\r\n b\r\nFrom: x\r\n\t<y@z.test>\r\n'))).toEqual(['Subject: a b', 'From: x\t<y@z.test>']);
  });

  it('finds every address of every From: field, folded or not, with or without space before the colon', () => {
    expect(parseFromAddresses(b('From: "Alice" <alice@example.org>\r\nTo: b@c.test\r\n\r\n'))).toEqual(['alice@example.org']);
    expect(parseFromAddresses(b('from : a@x.test,\r\n b@y.test\r\n\r\n'))).toEqual(['a@x.test', 'b@y.test']);
    expect(parseFromAddresses(b('From: a@x.test\r\nFROM: c@z.test\r\n\r\n'))).toEqual(['a@x.test', 'c@z.test']);
    expect(parseFromAddresses(b('From: "ceo@bank.test" <a@x.test>\r\n\r\n'))).toEqual(['a@x.test']);
    expect(parseFromAddresses(b('From: victim@bank.test (a@x.test)\r\n\r\n'))).toEqual(['victim@bank.test']);
  });

  it('gives null for a missing, empty, group or non-address From:', () => {
    for (const header of ['To: a@x.test\r\n\r\n', 'From:\r\n\r\n', 'From: Alice\r\n\r\n', 'From: list: a@x.test;\r\n\r\n', 'From: <>\r\n\r\n', 'From: a@\r\n\r\n', '\r\nFrom: a@x.test\r\n']) {
      expect(parseFromAddresses(b(header)), JSON.stringify(header)).toBeNull();
    }
  });
});

describe('formatReceivedHeader', () => {
  const at = new Date(Date.UTC(2026, 10, 28, 7, 5, 9));

  it('names the client by EHLO and IP literal, and this relay, with an RFC 5322 date', () => {
    expect(formatReceivedHeader({ heloName: 'laptop.example', clientAddress: '192.0.2.7', hostname: 'relay.test', protocol: 'ESMTPSA', at })).toBe(
      'Received: from laptop.example ([192.0.2.7])\r\n\tby relay.test (relais) with ESMTPSA;\r\n\tSat, 28 Nov 2026 07:05:09 +0000\r\n',
    );
    expect(formatReceivedHeader({ heloName: false, clientAddress: '2001:db8::1', hostname: 'relay.test', protocol: 'ESMTP', at })).toContain(
      'from unknown ([IPv6:2001:db8::1])',
    );
  });

  it('lets nothing from the client break out of the field', () => {
    const header = formatReceivedHeader({ heloName: 'x\r\nBcc: a@b.test', clientAddress: '192.0.2.7', hostname: 'relay.test', protocol: 'ESMTP\r\nX', at });
    expect(header.split('\r\n').filter((l) => l && !l.startsWith('\t'))).toHaveLength(1);
    expect(header).toContain('with ESMTP;');
  });
});
