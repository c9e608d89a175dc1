import { describe, expect, it } from 'vitest';
import { BOUNCE_RULES, classifyReply } from './categories.ts';
import type { BounceCategory, Receiver } from './categories.ts';
import { parseReply, parseReplyLine } from './reply.ts';

const CATEGORIES: readonly BounceCategory[] = [
  'delivered', 'invalid-recipient', 'invalid-domain', 'mailbox-full', 'mailbox-disabled', 'policy-block',
  'content-rejected', 'auth-failure', 'rate-limited', 'greylisted', 'message-too-big', 'network', 'protocol', 'other',
];
const RECEIVERS: readonly Receiver[] = [
  'gmail', 'microsoft', 'yahoo', 'orange', 'free', 'sfr', 'laposte', 'gmx', 'icloud', 'proton', 'zoho',
];

describe('bounce rules as data', () => {
  it.each(BOUNCE_RULES.map((rule) => [rule.id, rule] as const))('the sample of %s is classified by that rule', (_id, rule) => {
    const result = classifyReply(parseReplyLine(rule.sample, 0));
    expect(result.ruleId).toBe(rule.id);
    expect(result.category).toBe(rule.category);
  });

  it('rule ids are unique, stable kebab-case names', () => {
    const ids = BOUNCE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('every category appears in at least one rule', () => {
    const seen = new Set(BOUNCE_RULES.map((r) => r.category));
    expect(CATEGORIES.filter((c) => !seen.has(c))).toEqual([]);
  });

  it('every named receiver has at least one rule', () => {
    const seen = new Set(BOUNCE_RULES.map((r) => r.source));
    expect(RECEIVERS.filter((r) => !seen.has(r))).toEqual([]);
  });

  it('rule regexes are stateless and have no nested quantifiers', () => {
    for (const rule of BOUNCE_RULES) {
      for (const re of rule.text ?? []) {
        expect(re.flags, rule.id).not.toContain('g');
        expect(re.flags, rule.id).toContain('i');
        // A quantified group that itself contains a quantifier is the classic catastrophic-backtracking shape.
        expect(re.source, rule.id).not.toMatch(/\([^()]*[+*}][^()]*\)[+*{]/);
      }
    }
  });
});

describe('policy blocks', () => {
  const blocks = BOUNCE_RULES.filter((r) => r.category === 'policy-block');

  it('never bounce, even when the receiver answers 550 or 554', () => {
    for (const rule of blocks) {
      const reply = parseReplyLine(rule.sample, 0);
      for (const code of [reply.code, 550, 554]) {
        const result = classifyReply({ ...reply, code, enhanced: null });
        expect(result.action, rule.id).not.toBe('bounce');
        expect(['invalid-recipient', 'invalid-domain'], rule.id).not.toContain(result.category);
      }
    }
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it('a listing named in the text wins over a recipient-looking 5.1.1', () => {
    const result = classifyReply(parseReply(550, '5.1.1 Service unavailable; client [192.0.2.10] blocked using zen.spamhaus.org'));
    expect(result).toEqual({ category: 'policy-block', action: 'defer', ruleId: 'generic-ip-blocklist' });
  });

  it('a Microsoft 5.7.606 banned sending IP defers', () => {
    expect(classifyReply(parseReplyLine('550 5.7.606 Access denied, banned sending IP [192.0.2.10].', 0))).toEqual({
      category: 'policy-block', action: 'defer', ruleId: 'microsoft-banned-sending-ip',
    });
  });
});

describe('hostile or odd replies', () => {
  const odd: Array<[string, { code: number; enhanced: string | null; text: string }, string]> = [
    ['empty text on a 550', { code: 550, enhanced: null, text: '' }, 'fallback-5xx'],
    ['empty text on a 451', { code: 451, enhanced: null, text: '' }, 'fallback-4xx'],
    ['code 0', { code: 0, enhanced: null, text: 'user unknown' }, 'fallback-unexpected'],
    ['code 999', { code: 999, enhanced: '5.1.1', text: 'no such user' }, 'fallback-unexpected'],
    ['a 354 intermediate reply', { code: 354, enhanced: null, text: 'End data with <CR><LF>.<CR><LF>' }, 'fallback-unexpected'],
    ['NaN as a code', { code: Number.NaN, enhanced: null, text: '' }, 'fallback-unexpected'],
    ['control characters', { code: 550, enhanced: null, text: '\u0000\u0007\u001b[31m\r\n\u007f\ufffd' }, 'fallback-5xx'],
    ['an enhanced status that disagrees with the code', { code: 450, enhanced: '5.1.1', text: 'odd' }, 'fallback-4xx'],
  ];

  it.each(odd)('%s never throws and lands on a fallback', (_name, reply, ruleId) => {
    const result = classifyReply(reply);
    expect(result.ruleId).toBe(ruleId);
    expect(result.category).toBe('other');
    expect(result.action).toBe(ruleId === 'fallback-5xx' ? 'bounce' : 'defer');
  });

  it('a 2xx with a disagreeing 5.1.1 is still delivered', () => {
    expect(classifyReply({ code: 250, enhanced: '5.1.1', text: 'user unknown' })).toEqual({
      category: 'delivered', action: 'deliver', ruleId: 'generic-delivered',
    });
  });

  it('a 100 KB reply is classified quickly and without throwing', () => {
    const texts = [
      'a'.repeat(100_000),
      'user '.repeat(20_000),
      'Client host ['.repeat(8_000),
      'rejected due to '.repeat(6_000),
      `${'x'.repeat(99_990)} user unknown`,
    ];
    const started = performance.now();
    const results = texts.map((text) => classifyReply({ code: 550, enhanced: null, text }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(results.map((r) => r.ruleId)).toEqual(['fallback-5xx', 'fallback-5xx', 'fallback-5xx', 'fallback-5xx', 'fallback-5xx']);
  });

  it('survives a reply whose fields are not what the type says', () => {
    const broken = { code: '550', enhanced: 5, text: null } as unknown as Parameters<typeof classifyReply>[0];
    expect(classifyReply(broken)).toEqual({ category: 'other', action: 'defer', ruleId: 'fallback-unexpected' });
  });
});

describe('actions', () => {
  const classify = (line: string) => classifyReply(parseReplyLine(line, 0));

  it('a 452 4.2.2 mailbox full defers and a 552 5.2.2 bounces', () => {
    expect(classify('452 4.2.2 <bob@example.org>: Mailbox full')).toMatchObject({ category: 'mailbox-full', action: 'defer' });
    expect(classify('552 5.2.2 <bob@example.org>: Mailbox full')).toMatchObject({ category: 'mailbox-full', action: 'bounce' });
  });

  it('a 421 4.7.0 asking to try again later throttles', () => {
    expect(classify('421 4.7.0 Service temporarily unavailable, try again later')).toEqual({
      category: 'rate-limited', action: 'throttle', ruleId: 'generic-text-try-later',
    });
  });

  it('a local 451 4.4.1 connection refused is network trouble and defers', () => {
    expect(classify('451 4.4.1 Connection to mx.example.org[192.0.2.25]:25 refused')).toEqual({
      category: 'network', action: 'defer', ruleId: 'generic-network',
    });
  });

  it('an unknown recipient bounces on 5xx and defers on 4xx', () => {
    expect(classify('550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown')).toMatchObject({ category: 'invalid-recipient', action: 'bounce' });
    expect(classify('450 4.1.1 <bob@example.org>: Recipient address rejected: User unknown')).toMatchObject({ category: 'invalid-recipient', action: 'defer' });
  });

  it('a local null MX answer is an invalid domain that bounces', () => {
    expect(classifyReply({ code: 556, enhanced: '5.1.10', text: 'Domain example.org accepts no mail (null MX)' })).toEqual({
      category: 'invalid-domain', action: 'bounce', ruleId: 'generic-null-mx',
    });
  });

  it('greylisting defers and content or authentication failures bounce', () => {
    expect(classify('450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html').action).toBe('defer');
    expect(classify('554 5.6.0 Message content rejected, UBE, id=12345-01').action).toBe('bounce');
    expect(classify('550 5.7.26 Unauthenticated email is not accepted due to domain DMARC policy').action).toBe('bounce');
  });

  it('a Gmail per-recipient receiving rate throttles instead of reading 4.2.1 as a disabled mailbox', () => {
    const rule = BOUNCE_RULES.find((r) => r.id === 'gmail-receiving-rate');
    expect(classify(rule?.sample ?? '')).toMatchObject({ category: 'rate-limited', action: 'throttle' });
  });
});
