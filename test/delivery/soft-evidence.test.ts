// Soft bounces through a real MX: a full mailbox that bounces counts toward
// the soft-bounce rule, a later successful delivery clears that evidence, and
// the rule suppresses only when its count is reached within its window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../relay-core/events/index.ts';
import { SuppressionService } from '../../relay-core/policy/index.ts';
import { QueueService } from '../../relay-core/queue/index.ts';
import { addressHasher } from '../../relay-core/stats/index.ts';
import { DeliveryHarness, waitUntil } from './harness.ts';

let h: DeliveryHarness;
const hash = addressHasher(Buffer.alloc(32, 7));
/** What the MX answers each address now: full (552 5.2.2) or accept. */
const full = new Set<string>();

beforeAll(async () => {
  h = await DeliveryHarness.open('127.0.6.');
  await h.sink(2, { answerFor: (address) => (full.has(address.toLowerCase()) ? { code: 552, text: '5.2.2 Mailbox full' } : { code: 250, text: 'ok' }) });
  h.dns.setZone({ 'soft.test': { mx: [{ preference: 10, exchange: 'mx.soft.test' }] }, 'mx.soft.test': { a: [h.ip(2)] } });
});
afterAll(async () => h?.close());

describe('soft bounces', () => {
  it('suppress after softBounces in a row; a delivery in between clears the count', async () => {
    const suppressions = new SuppressionService({
      db: h.db, hashAddress: hash, rules: { hardBounces: 1, softBounces: 2, softWindowDays: 7, complaints: 1, expiryDays: 90 },
    });
    await suppressions.start();
    const queue = new QueueService({
      db: h.db, events: new EventBus(), hashAddress: hash, evidence: suppressions, nodeId: 'soft', hostname: 'relay.test',
      schedule: { retryFirstMs: 3_600_000, retryMaxMs: 3_600_000, maxAgeMs: 86_400_000 }, leaseMs: 60_000,
    });
    h.delivery({}, queue).start();
    let sent = 0;
    const send = async (address: string) => {
      sent++;
      await queue.enqueue({ mailFrom: '', submittedBy: null, rcptTo: [address], body: Buffer.from('Subject: x\r\n\r\nx\r\n') });
      await waitUntil(async () => (await h.db.query("select 1 from attempt where domain = 'soft.test'")).length === sent, `attempt ${sent}`);
    };
    full.add('carol@soft.test');
    await send('carol@soft.test');
    full.delete('carol@soft.test');
    await send('carol@soft.test');
    full.add('carol@soft.test');
    await send('carol@soft.test');
    // One soft bounce since the delivery: not suppressed yet.
    expect(suppressions.match('carol@soft.test', { login: null, mailFrom: '' })).toBeNull();
    await send('carol@soft.test');
    expect(suppressions.match('carol@soft.test', { login: null, mailFrom: '' })).toMatchObject({ source: 'soft-bounce' });
    const check = await suppressions.check('carol@soft.test');
    expect(check.evidence).toEqual([expect.objectContaining({ kind: 'soft', category: 'mailbox-full', count: 2 })]);
    suppressions.stop();
  });
});
