// Where mail goes: MX preference, implicit MX, null MX, NXDOMAIN, DNS trouble,
// the private-address policy and static routes, with a real DNS server on
// loopback, real sink MX hosts and the real queue.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MxResolver } from '../../relay-core/delivery/index.ts';
import type { DnsZone } from '../support/dns-server.ts';
import type { SinkMx } from '../support/sink-mx.ts';
import { DeliveryHarness, waitUntil } from './harness.ts';

let h: DeliveryHarness;
let mx1: SinkMx;
let mx2: SinkMx;
let relayhost: SinkMx;
let specialRelay: SinkMx;

/** The sender's domain never resolves, so DSNs stay in the queue where a test can see them. */
const zone = (records: DnsZone): DnsZone => ({ 'sender.test': { servfail: true }, ...records });

beforeAll(async () => {
  h = await DeliveryHarness.open('127.0.1.');
  mx1 = await h.sink(2);
  mx2 = await h.sink(3);
  relayhost = await h.sink(4);
  specialRelay = await h.sink(5);
});
afterEach(async () => h.reset());
afterAll(async () => h?.close());

async function waitForDsnTo(sender: string) {
  await waitUntil(async () => (await h.admin.list()).some((m) => m.mailFrom === '' && m.recipients[0]?.rcptTo === sender), 'a DSN in the queue');
}

describe('MX lookup', () => {
  it('delivers to the most preferred MX and records its name, reply and TLS in the attempt log', async () => {
    h.dns.setZone(zone({
      'pref.test': { mx: [{ preference: 20, exchange: 'mx2.pref.test' }, { preference: 10, exchange: 'mx1.pref.test' }] },
      'mx1.pref.test': { a: [h.ip(2)] },
      'mx2.pref.test': { a: [h.ip(3)] },
    }));
    await h.enqueue(['accept@pref.test'], 'pref');
    h.delivery().start();
    await mx1.waitFor((m) => m.some((x) => x.rcptTo.includes('accept@pref.test')));
    await waitUntil(async () => (await h.admin.list()).length === 0, 'the delivered message to leave the queue');
    expect(mx2.messages).toEqual([]);
    expect(mx1.messages[0]!.isTls).toBe(true);
    expect(await h.attempts('pref.test')).toEqual([
      expect.objectContaining({ outcome: 'delivered', mx_host: 'mx1.pref.test', is_tls: true, code: 250, enhanced: '2.0.0' }),
    ]);
  });

  it("falls back to the domain's own address when it has no MX record (RFC 5321 §5.1)", async () => {
    h.dns.setZone(zone({ 'implicit.test': { a: [h.ip(3)] } }));
    await h.enqueue(['accept@implicit.test'], 'implicit');
    h.delivery().start();
    await mx2.waitFor((m) => m.some((x) => x.rcptTo.includes('accept@implicit.test')));
    await waitUntil(async () => (await h.attempts('implicit.test')).length === 1, 'the attempt to be recorded');
    expect((await h.attempts('implicit.test'))[0]).toMatchObject({ outcome: 'delivered', mx_host: 'implicit.test' });
  });

  it('a null MX bounces at once with 556 5.1.10 and queues a DSN to the sender', async () => {
    h.dns.setZone(zone({ 'nullmx.test': { nullMx: true } }));
    await h.enqueue(['accept@nullmx.test'], 'nullmx');
    h.delivery().start();
    await waitForDsnTo('sender@sender.test');
    expect(await h.attempts('nullmx.test')).toEqual([
      expect.objectContaining({ outcome: 'bounced', mx_host: null, code: 556, enhanced: '5.1.10' }),
    ]);
    const dsn = (await h.admin.list()).find((m) => m.mailFrom === '')!;
    expect((await h.queue.loadBody(dsn.id))!.toString()).toContain('Status: 5.1.10');
  });

  it('a domain that does not exist (NXDOMAIN) bounces with 550 5.1.2 and queues a DSN to the sender', async () => {
    h.dns.setZone(zone({}));
    await h.enqueue(['someone@no-such-domain.test'], 'nxdomain');
    h.delivery().start();
    await waitForDsnTo('sender@sender.test');
    const [attempt] = await h.attempts('no-such-domain.test');
    expect(attempt).toMatchObject({ outcome: 'bounced', code: 550, enhanced: '5.1.2' });
    expect(attempt!.text).toMatch(/does not exist/);
  });

  it('SERVFAIL defers the recipient with 451 4.4.3 and keeps it queued', async () => {
    h.dns.setZone(zone({ 'broken-dns.test': { servfail: true } }));
    await h.enqueue(['accept@broken-dns.test'], 'servfail');
    h.delivery().start();
    await waitUntil(async () => (await h.recipient('accept@broken-dns.test'))?.state === 'deferred', 'a deferral');
    const r = (await h.recipient('accept@broken-dns.test'))!;
    expect(r.lastReply).toMatchObject({ code: 451, enhanced: '4.4.3' });
    expect(r.lastReply!.text).toMatch(/DNS lookup failed \(SERVFAIL\)/);
    expect(r.lastMx).toBeNull();
  });

  it('a DNS server that never answers defers the recipient once the lookup times out', async () => {
    h.dns.setZone(zone({ 'silent-dns.test': { timeout: true } }));
    await h.enqueue(['accept@silent-dns.test'], 'timeout');
    h.delivery().start();
    await waitUntil(async () => (await h.recipient('accept@silent-dns.test'))?.state === 'deferred', 'a deferral');
    const r = (await h.recipient('accept@silent-dns.test'))!;
    expect(r.lastReply).toMatchObject({ code: 451, enhanced: '4.4.3' });
    expect(r.lastReply!.text).toMatch(/timed out/);
  });

  it('refuses an MX on a private address when allowPrivateMx is off and defers with a clear reply', async () => {
    h.dns.setZone(zone({ 'private.test': { mx: [{ preference: 10, exchange: 'mx.private.test' }] }, 'mx.private.test': { a: [h.ip(2)] } }));
    const sessionsBefore = mx1.sessionCount;
    await h.enqueue(['accept@private.test'], 'private');
    h.delivery({ allowPrivateMx: false }).start();
    await waitUntil(async () => (await h.recipient('accept@private.test'))?.state === 'deferred', 'a deferral');
    const r = (await h.recipient('accept@private.test'))!;
    expect(r.lastReply).toMatchObject({ code: 451, enhanced: '4.4.4' });
    expect(r.lastReply!.text).toContain('MX address is private (set RELAIS_ALLOW_PRIVATE_MX to allow)');
    expect(r.lastReply!.text).toContain(`mx.private.test[${h.ip(2)}]`);
    expect(mx1.sessionCount).toBe(sessionsBefore);
  });
});

describe('static routes', () => {
  it('a * route sends every domain to the relay host without an MX lookup, even on a private address', async () => {
    h.dns.setZone(zone({}));
    await h.enqueue(['accept@unrouted.test'], 'star-route');
    h.delivery({ allowPrivateMx: false, routes: [{ domain: '*', host: h.ip(4), port: h.port }] }).start();
    await relayhost.waitFor((m) => m.some((x) => x.rcptTo.includes('accept@unrouted.test')));
    await waitUntil(async () => (await h.attempts('unrouted.test')).length === 1, 'the attempt to be recorded');
    expect((await h.attempts('unrouted.test'))[0]).toMatchObject({ outcome: 'delivered', mx_host: h.ip(4) });
    expect(h.dns.queries.filter((q) => q.name === 'unrouted.test')).toEqual([]);
  });

  it('a route for the domain wins over the * route, and a route host name is resolved in DNS', async () => {
    h.dns.setZone(zone({ 'relay.special.test': { a: [h.ip(5)] } }));
    await h.enqueue(['accept@special.test', 'accept@ordinary.test'], 'domain-route');
    h.delivery({
      routes: [{ domain: '*', host: h.ip(4), port: h.port }, { domain: 'special.test', host: 'relay.special.test', port: h.port }],
    }).start();
    await specialRelay.waitFor((m) => m.some((x) => x.rcptTo.includes('accept@special.test')));
    await relayhost.waitFor((m) => m.some((x) => x.rcptTo.includes('accept@ordinary.test')));
    await waitUntil(async () => (await h.admin.list()).length === 0, 'both recipients to be delivered');
    expect((await h.attempts('special.test'))[0]).toMatchObject({ outcome: 'delivered', mx_host: 'relay.special.test' });
    expect(specialRelay.messages.flatMap((m) => m.rcptTo)).toEqual(['accept@special.test']);
  });
});

describe('MxResolver', () => {
  it('sorts MX hosts by preference, shuffles equal ones, and skips a host without an address', async () => {
    h.dns.setZone({
      'many.test': {
        mx: [
          { preference: 30, exchange: 'c.many.test' },
          { preference: 10, exchange: 'a.many.test' },
          { preference: 10, exchange: 'b.many.test' },
          { preference: 20, exchange: 'gone.many.test' },
        ],
      },
      'a.many.test': { a: ['192.0.2.1'] },
      'b.many.test': { a: ['192.0.2.2'], aaaa: ['2001:db8::2'] },
      'c.many.test': { aaaa: ['2001:db8::3'] },
    });
    const orders = new Set<string>();
    for (const seed of [0.1, 0.9]) {
      let n = 0;
      const resolver = new MxResolver({ servers: [{ host: h.dns.host, port: h.dns.port }], timeoutMs: 500, random: () => (n++ % 2 ? seed : 1 - seed) });
      const result = await resolver.resolve('many.test');
      if (result.kind !== 'hosts') throw new Error(`expected hosts, got ${result.kind}`);
      expect(result.hosts.slice(2)).toEqual([{ name: 'c.many.test', preference: 30, addresses: ['2001:db8::3'] }]);
      expect(result.hosts.find((x) => x.name === 'b.many.test')!.addresses).toEqual(['192.0.2.2', '2001:db8::2']);
      orders.add(result.hosts.slice(0, 2).map((x) => x.name).join(','));
    }
    expect(orders).toEqual(new Set(['a.many.test,b.many.test', 'b.many.test,a.many.test']));
  });

  it('defers a domain whose MX hosts have no address at all', async () => {
    h.dns.setZone({ 'hollow.test': { mx: [{ preference: 10, exchange: 'nothing.hollow.test' }] } });
    const resolver = new MxResolver({ servers: [{ host: h.dns.host, port: h.dns.port }], timeoutMs: 500 });
    const result = await resolver.resolve('hollow.test');
    expect(result).toMatchObject({ kind: 'temporary', reply: { code: 451, enhanced: '4.4.3' } });
  });
});
