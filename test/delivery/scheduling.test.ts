// How the delivery loop shares its sessions: a slow or silent MX holds only
// its own destination's slots, destinationConcurrency is respected, and
// stop() hands unstarted work back so another node delivers it exactly once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DnsZone } from '../support/dns-server.ts';
import type { SinkMx } from '../support/sink-mx.ts';
import { DeliveryHarness, waitUntil } from './harness.ts';

let h: DeliveryHarness;
let slowMx: SinkMx;
let fastMx: SinkMx;
let concurrencyMx: SinkMx;
let stopMx: SinkMx;

function mxZone(map: Record<string, number>): DnsZone {
  const zone: DnsZone = { 'sender.test': { servfail: true } };
  for (const [domain, last] of Object.entries(map)) {
    zone[domain] = { mx: [{ preference: 10, exchange: `mx.${domain}` }] };
    zone[`mx.${domain}`] = { a: [h.ip(last)] };
  }
  return zone;
}

beforeAll(async () => {
  h = await DeliveryHarness.open('127.0.3.');
  slowMx = await h.sink(2, { slowDataMs: 2500 });
  fastMx = await h.sink(3);
  concurrencyMx = await h.sink(4, { slowDataMs: 300 });
  stopMx = await h.sink(5, { slowDataMs: 400 });
});
afterEach(async () => h.reset());
afterAll(async () => h?.close());

describe('scheduling', () => {
  it('a very slow MX for one domain does not hold up delivery to another domain', async () => {
    h.dns.setZone(mxZone({ 'slow.test': 2, 'fast.test': 3 }));
    // More waiting slow mail than one claim batch: the slow domain's backlog must not block claims.
    for (let i = 0; i < 5; i++) await h.enqueue([`slow${i}@slow.test`], `slow-${i}`);
    await h.enqueue(['accept@fast.test'], 'fast');
    h.delivery({ destinationConcurrency: 1, commandTimeoutMs: 10_000, claimBatch: 3 }).start();
    await fastMx.waitFor((m) => m.length === 1, 1500);
    expect(slowMx.messages).toEqual([]);
    await slowMx.waitFor((m) => m.length === 1, 5000);
  });

  it('an MX that stops answering is given up after commandTimeoutMs and its recipient deferred, while others flow', async () => {
    h.dns.setZone(mxZone({ 'tarpit.test': 2, 'fast.test': 3 }));
    await h.enqueue(['slow@tarpit.test'], 'tarpit');
    h.delivery({ commandTimeoutMs: 600 }).start();
    await h.enqueue(['accept@fast.test'], 'fast-2');
    await fastMx.waitFor((m) => m.length === 1, 1500);
    await waitUntil(async () => (await h.recipient('slow@tarpit.test'))?.state === 'deferred', 'a deferral', 5000);
    const r = (await h.recipient('slow@tarpit.test'))!;
    expect(r.lastReply).toMatchObject({ code: 451, enhanced: '4.4.2' });
    expect(r.lastReply!.text).toContain('did not answer within 600 ms');
    expect(slowMx.messages).toEqual([]);
  });

  it('never opens more sessions to one destination than destinationConcurrency', async () => {
    h.dns.setZone(mxZone({ 'conc.test': 4 }));
    for (let i = 0; i < 6; i++) await h.enqueue([`slow${i}@conc.test`], `conc-${i}`);
    h.delivery({ destinationConcurrency: 2, messagesPerSession: 1 }).start();
    await concurrencyMx.waitFor((m) => m.length === 6, 10_000);
    expect(concurrencyMx.sessionCount).toBe(6);
    expect(concurrencyMx.maxConcurrentSessions).toBe(2);
  });

  it('stop() finishes the message in flight and releases unstarted claims, which a second node delivers exactly once', async () => {
    h.dns.setZone(mxZone({ 'stop.test': 5 }));
    for (let i = 0; i < 4; i++) await h.enqueue([`slow${i}@stop.test`], `stop-${i}`);
    const first = h.delivery({ destinationConcurrency: 1 });
    first.start();
    await waitUntil(() => stopMx.dataStartedCount === 1, 'the first message in flight');
    await first.stop();

    expect(stopMx.messages).toHaveLength(1);
    const left = await h.admin.list();
    expect(left).toHaveLength(3);
    expect(left.flatMap((m) => m.recipients.map((r) => [r.state, r.attempts]))).toEqual(left.map(() => ['queued', 0]));

    h.delivery({}, DeliveryHarness.makeQueue(h.db, 'node-b')).start();
    await stopMx.waitFor((m) => m.length === 4, 10_000);
    await waitUntil(async () => (await h.admin.list()).length === 0, 'an empty queue');
    const subjects = stopMx.messages.map((m) => /Subject: (\S+)/.exec(m.body.toString())![1]).sort();
    expect(subjects).toEqual(['stop-0', 'stop-1', 'stop-2', 'stop-3']);
    expect((await h.attempts('stop.test')).map((a) => a.outcome)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });
});
