import { describe, expect, it } from 'vitest';
import { MAX_SUBJECT_LENGTH, subjectOf } from './subject.ts';

const message = (headers: string, body = 'Hello\r\n') => Buffer.from(`From: a@example.org\r\n${headers}\r\n\r\n${body}`, 'utf8');

describe('subjectOf', () => {
  it('decodes RFC 2047 encoded-words and leaves markup as plain characters', () => {
    expect(subjectOf(message('Subject: =?utf-8?q?caf=C3=A9?= <img src=x onerror=alert(1)>'))).toBe('café <img src=x onerror=alert(1)>');
  });

  it('unfolds a folded subject and joins adjacent encoded-words without their white space', () => {
    expect(subjectOf(message('Subject: =?utf-8?b?Q2Fm?=\r\n =?utf-8?b?w6k=?= au\r\n\tlait'))).toBe('Café au lait');
  });

  it('reads raw UTF-8 (SMTPUTF8) subjects and ignores case in the field name', () => {
    expect(subjectOf(message('SUBJECT: Réunion à 14 h'))).toBe('Réunion à 14 h');
  });

  it('takes out control and bidi-override characters, even when encoded', () => {
    const encoded = Buffer.from('a\x07b\r\nc\u202Efdp.exe').toString('base64');
    expect(subjectOf(message(`Subject: =?utf-8?b?${encoded}?=`))).toBe('ab cfdp.exe');
  });

  it(`caps the subject at ${MAX_SUBJECT_LENGTH} characters`, () => {
    const subject = subjectOf(message(`Subject: ${'é'.repeat(1000)}`))!;
    expect(Array.from(subject)).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(subject.endsWith('…')).toBe(true);
  });

  it('is null without a Subject header, and never reads one from the body', () => {
    expect(subjectOf(message('To: b@example.org', 'Subject: not a header\r\n'))).toBeNull();
  });

  it('is empty for an empty subject', () => {
    expect(subjectOf(message('Subject:'))).toBe('');
  });
});
