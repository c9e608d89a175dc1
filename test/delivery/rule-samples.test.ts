// Every classification rule, end to end: a real MX on loopback answers RCPT
// with the rule's sample reply, and the relay's queue, attempt log,
// suppression list and counters end up as the rule's category says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressEvidence, BOUNCE_RULES, parseReplyLine, type Reply } from '../../relay-core/bounces/index.ts';
import { EventBus } from '../../relay-core/events/index.ts';
import { SuppressionService } from '../../relay-core/policy/index.ts';
import { QueueService } from '../../relay-core/queue/index.ts';
import { addressHasher } from '../../relay-core/stats/index.ts';
import { DeliveryHarness, waitUntil } from './harness.ts';

let h: DeliveryHarness;
const hash = addressHasher(Buffer.alloc(32, 7));
const replies = new Map<string, Reply>(BOUNCE_RULES.map((rule, i) => [`rule${i}@samples.test`, parseReplyLine(rule.sample, 0)]));

beforeAll(async () => {
  h = await DeliveryHarness.open('127.0.5.');
  await h.sink(2, {
    answerFor: (address) => {
      const reply = replies.get(address.toLowerCase());
      // smtp-server sends one line: the sample's lines joined, as our client reads them back.
      return reply ? { code: reply.code, text: `${reply.enhanced ? `${reply.enhanced} ` : ''}${reply.text.replace(/\s*\n\s*/g, ' ')}` } : null;
    },
  });
  h.dns.setZone({
    'samples.test': { mx: [{ preference: 10, exchange: 'mx.samples.test' }] },
    'mx.samples.test': { a: [h.ip(2)] },
  });
});
afterAll(async () => h?.close());

describe('rule samples answered by a real MX', () => {
  it('each lands in its category, with the action and suppression evidence that category implies', async () => {
    const suppressions = new SuppressionService({
      db: h.db, hashAddress: hash, rules: { hardBounces: 1, softBounces: 5, softWindowDays: 7, complaints: 1, expiryDays: 90 },
    });
    const queue = new QueueService({
      db: h.db, events: new EventBus(), hashAddress: hash, evidence: suppressions, nodeId: 'samples', hostname: 'relay.test',
      schedule: { retryFirstMs: 3_600_000, retryMaxMs: 3_600_000, maxAgeMs: 86_400_000 }, leaseMs: 60_000,
    });
    const addresses = [...replies.keys()];
    for (const address of addresses) await queue.enqueue({ mailFrom: 'app@sender.test', submittedBy: null, rcptTo: [address], body: Buffer.from('Subject: x\r\n\r\nx\r\n') });
    // Generous timeouts: a slow machine must not turn a sample into a local network failure.
    h.delivery({ throttlePauseMs: 1, destinationConcurrency: 10, connectTimeoutMs: 15_000, commandTimeoutMs: 30_000 }, queue).start();
    await waitUntil(async () => (await h.db.query("select 1 from attempt where domain = 'samples.test'")).length >= addresses.length, 'an attempt per rule', 60_000);

    const attempts = new Map((await h.db.query<{ recipient_hash: string; outcome: string; category: string }>(
      "select recipient_hash, outcome, category from attempt where domain = 'samples.test'",
    )).map((a) => [a.recipient_hash, a]));
    const suppressed = new Set((await h.db.query<{ recipient_hash: string }>('select recipient_hash from suppression')).map((r) => r.recipient_hash));
    BOUNCE_RULES.forEach((rule, i) => {
      const address = `rule${i}@samples.test`;
      const attempt = attempts.get(hash(address));
      expect(attempt?.category, `${rule.id}: ${rule.sample}`).toBe(rule.category);
      const code = replies.get(address)!.code;
      const expected = rule.category === 'delivered' ? 'delivered'
        : code >= 500 && !['policy-block', 'rate-limited', 'greylisted', 'network'].includes(rule.category) ? 'bounced' : 'deferred';
      expect(attempt?.outcome, rule.id).toBe(expected);
      expect(suppressed.has(hash(address)), `${rule.id} suppression`).toBe(addressEvidence(rule.category, expected) === 'hard');
    });
    // A policy block never suppresses anyone: the relay is at fault, not the address.
    const blocks = BOUNCE_RULES.map((r, i) => [r, i] as const).filter(([r]) => r.category === 'policy-block');
    expect(blocks.length).toBeGreaterThan(5);
    for (const [, i] of blocks) expect(suppressed.has(hash(`rule${i}@samples.test`))).toBe(false);
    const [counts] = await h.db.query<{ n: number }>("select sum(count)::int as n from sender_category_stat where sender = 'app@sender.test'");
    expect(counts!.n).toBe(BOUNCE_RULES.filter((r) => r.category !== 'delivered').length);
  }, 90_000);
});
