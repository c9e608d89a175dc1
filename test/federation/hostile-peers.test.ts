// One relais in this process pulling from fake peers that misbehave: real
// HTTPS servers on 127.0.0.1 with pinned self-signed certificates, serving
// events signed by keys these tests hold. What the relay must show for each:
// the pull's result, the peer's health (rejections by reason, last error,
// failures in a row, the next attempt pushed back) and the federated status
// of the addresses concerned — and, through all of it, that it keeps
// accepting mail and that a restart loses nothing and counts nothing twice.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationHasher } from '../../relay-core/federation/address-hash.ts';
import { signEvent, type FederationEvent } from '../../relay-core/federation/event.ts';
import { identityFromSeed, type FederationIdentity } from '../../relay-core/federation/identity.ts';
import type { PeerHealth } from '../../relay-core/federation/peers.ts';
import type { SyncResult } from '../../relay-core/federation/sync.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { FeedServer, feedPage, pumpForever, removeFeedServerFiles, sendJson, type FeedEdge } from '../support/feed-server.ts';
import { startTestRelay, waitFor } from '../support/relay.ts';
import { SmtpTestClient } from '../support/smtp-client.ts';

const MiB = 1024 * 1024;
const DAY_SECONDS = 86_400;
const NETWORK_KEY = 'hostile-peers-network-key-0123456789';
const DAILY_CAP = 1000;
// 100 pages of 1000, as a flooding peer would send them; signing them takes
// about 10 s here and the relay verifies every one before its cap drops them.
const FLOOD_EVENTS = 100_000;
const env = {
  RELAIS_HTTP_PLAIN: 'false',
  RELAIS_TRUSTED_NETWORKS: '127.0.0.0/8',
  RELAIS_FEDERATION_NETWORK_KEY: NETWORK_KEY,
  RELAIS_ALLOW_PRIVATE_PEERS: 'true',
  RELAIS_FEDERATION_SYNC_INTERVAL: '3600',
  RELAIS_FEDERATION_FETCH_TIMEOUT_MS: '2000',
  RELAIS_FEDERATION_MAX_RESPONSE: String(4 * MiB),
  RELAIS_FEDERATION_ORIGIN_DAILY_CAP: String(DAILY_CAP),
};

const hasher = new FederationHasher({ networkKey: Buffer.from(NETWORK_KEY, 'utf8') });
let db: TestDatabase;
let relay: RunningRelay;
const servers: FeedServer[] = [];

interface FakePeer {
  name: string;
  identity: FederationIdentity;
  server: FeedServer;
}

/** A fixed identity per label, so a failing test names the same keys every run. */
function identityOf(label: string): FederationIdentity {
  return identityFromSeed(createHash('sha256').update(`hostile-peers:${label}`).digest());
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const randomAddr = () => `f1:${randomBytes(16).toString('hex')}`;
const nextSeq = new Map<string, number>();

/** The signed text of a new event by `identity`: a hard bounce a minute ago unless told otherwise. */
function eventBy(identity: { id: string; sign(m: Buffer): Buffer }, fields: Partial<Omit<FederationEvent, 'v' | 'origin'>> = {}): string {
  const seq = fields.seq ?? (nextSeq.get(identity.id) ?? 0) + 1;
  nextSeq.set(identity.id, Math.max(seq, nextSeq.get(identity.id) ?? 0));
  return signEvent(identity, {
    seq, kind: fields.kind ?? 'hard_bounce', addr: fields.addr ?? randomAddr(), code: fields.code ?? '5.1.1', at: fields.at ?? nowSeconds() - 60,
  }).text;
}

/** Starts a fake peer and trusts it; returns once the worker's own first pull of the new peer is over. */
async function fakePeer(name: string, options: { isTransitive?: boolean; weight?: number } = {}): Promise<FakePeer> {
  const server = await FeedServer.start();
  servers.push(server);
  const identity = identityOf(name);
  await relay.federation.addPeer({ name, url: server.url, key: identity.id, tlsFingerprint: server.tlsFingerprint, ...options });
  // A new peer is due at once and the worker pulls it (an empty feed for now)
  // within a second; after that it waits the sync interval, an hour here, so
  // the pulls each test makes are the only ones.
  await waitFor(async () => (await relay.federation.peers.get(name))?.health.lastSuccessAt, 20_000, `the first scheduled pull of ${name}`);
  server.requests.length = 0;
  return { name, identity, server };
}

async function pull(name: string): Promise<SyncResult> {
  const results = await relay.federation.syncNow(name);
  expect(results).toHaveLength(1);
  return results[0]!;
}

async function health(name: string): Promise<PeerHealth> {
  const peer = await relay.federation.peers.get(name);
  return peer!.health;
}

async function cursorOf(name: string): Promise<string | null> {
  return (await relay.federation.peers.get(name))!.cursor;
}

const byReason = (h: PeerHealth): Record<string, number> => Object.fromEntries(h.rejections.map((r) => [r.reason, r.count]));

/** Events held from `origin`, and how many distinct (origin, seq) among them. */
async function heldFrom(origin: string): Promise<{ rows: number; distinct: number }> {
  const [row] = await relay.db.query<{ rows: string; distinct: string }>(
    'select count(*)::text as rows, count(distinct seq)::text as distinct from federation_event where origin = ?', [origin],
  );
  return { rows: Number(row!.rows), distinct: Number(row!.distinct) };
}

/** A failed pull leaves the reason, one more failure in a row, and the next attempt later than now. */
async function expectBackedOff(name: string, failures: number, error: RegExp): Promise<void> {
  const h = await health(name);
  expect(h.lastError).toMatch(error);
  expect(h.failures).toBe(failures);
  expect(h.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
}

async function rcpt(address: string): Promise<{ code: number; text: string }> {
  const { client } = await SmtpTestClient.connect({ host: '127.0.0.1', port: relay.smtpPort });
  await client.command('EHLO client.test');
  await client.command('MAIL FROM:<sender@example.org>');
  const reply = await client.command(`RCPT TO:<${address}>`);
  await client.command('QUIT').catch(() => undefined);
  return reply;
}

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db, env);
});

afterAll(async () => {
  await relay?.stop();
  await Promise.all(servers.map((s) => s.close()));
  await db?.drop();
  removeFeedServerFiles();
});

describe('events a peer may not pass on', () => {
  it('refuses an unknown relay\'s event from a peer not trusted as transitive, and takes it at half weight from one that is', async () => {
    const plain = await fakePeer('plain');
    const transit = await fakePeer('transit', { isTransitive: true });
    const stranger = identityOf('stranger');
    const text = eventBy(stranger, { addr: hasher.hashSync('passed-on@example.org') });
    // Each peer took it from one of its own peers: it serves it one hop away.
    plain.server.serve([text], { hops: 1 });
    // Beside it, a stranger's event the peer calls its own (0 hops), and one from too far away.
    transit.server.serve([
      { cursor: '1', event: text, hops: 1 },
      { cursor: '2', event: eventBy(stranger), hops: 0 },
      { cursor: '3', event: eventBy(stranger), hops: 2 },
    ]);

    expect(await pull('plain')).toMatchObject({ ok: true, accepted: 0, rejected: 1, error: null });
    const refused = await health('plain');
    expect(byReason(refused)).toEqual({ 'not-transitive': 1 });
    expect(refused).toMatchObject({ eventsReceived: 0, eventsRejected: 1, failures: 0, lastError: null });
    expect((await relay.federation.status('passed-on@example.org')).origins).toEqual([]);

    expect(await pull('transit')).toMatchObject({ ok: true, accepted: 1, rejected: 2, error: null });
    expect(byReason(await health('transit'))).toEqual({ 'hop-limit': 2 });
    expect(await health('transit')).toMatchObject({ eventsReceived: 1, eventsRejected: 2 });
    const status = await relay.federation.status('passed-on@example.org');
    expect(status.origins).toEqual([{ origin: stranger.id, weight: 0.5, events: 1 }]);
    expect(status.tallies.hard_bounce).toMatchObject({ weight: 0.5, origins: 1 });
    expect(status.verdict).toBeNull();
  });

  it('refuses an event whose origin is the peer but which another key signed (bad-signature)', async () => {
    const forger = await fakePeer('forger');
    const other = identityOf('forger-other-key');
    const forged = eventBy({ id: forger.identity.id, sign: (m) => other.sign(m) }, { addr: hasher.hashSync('forged@example.org') });
    forger.server.serve([forged]);

    expect(await pull('forger')).toMatchObject({ ok: true, accepted: 0, rejected: 1, error: null });
    expect(byReason(await health('forger'))).toEqual({ 'bad-signature': 1 });
    expect(await heldFrom(forger.identity.id)).toEqual({ rows: 0, distinct: 0 });
    expect((await relay.federation.status('forged@example.org')).origins).toEqual([]);
  });

  it('refuses an event changed after it was signed (bad-signature)', async () => {
    const tamperer = await fakePeer('tamperer');
    const signedAddr = hasher.hashSync('signed-for@example.org');
    const tampered = eventBy(tamperer.identity, { addr: signedAddr }).replace(signedAddr, hasher.hashSync('tampered@example.org'));
    expect(tampered).toContain(hasher.hashSync('tampered@example.org'));
    tamperer.server.serve([tampered]);

    expect(await pull('tamperer')).toMatchObject({ ok: true, accepted: 0, rejected: 1, error: null });
    expect(byReason(await health('tamperer'))).toEqual({ 'bad-signature': 1 });
    expect(await heldFrom(tamperer.identity.id)).toEqual({ rows: 0, distinct: 0 });
    expect((await relay.federation.status('tampered@example.org')).origins).toEqual([]);
  });

  it('takes an event with its members reordered and white space added, and serves that text unchanged', async () => {
    const peer = await fakePeer('reorderer');
    const text = eventBy(peer.identity, { addr: hasher.hashSync('reordered@example.org') });
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).reverse()), null, '\t ');
    expect(reordered).not.toBe(text);
    expect(reordered.startsWith('{\n\t "v": 1')).toBe(true);
    peer.server.serve([reordered]);

    expect(await pull('reorderer')).toMatchObject({ ok: true, accepted: 1, rejected: 0, error: null });
    expect((await relay.federation.status('reordered@example.org')).origins).toEqual([{ origin: peer.identity.id, weight: 1, events: 1 }]);
    const held = await relay.federation.feed(null, 1000);
    expect(held.edges.filter((e) => e.event === reordered)).toHaveLength(1);
  });

  it('refuses an event holding a member twice, even with equal values (format:duplicate-key)', async () => {
    const peer = await fakePeer('doubler');
    const text = eventBy(peer.identity, { addr: hasher.hashSync('doubled@example.org') });
    peer.server.serve([`{"v":1,${text.slice(1)}`]);

    expect(await pull('doubler')).toMatchObject({ ok: true, accepted: 0, rejected: 1, error: null });
    expect(byReason(await health('doubler'))).toEqual({ 'format:duplicate-key': 1 });
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 0, distinct: 0 });
  });

  it('counts an event served again as a duplicate and holds it once', async () => {
    const peer = await fakePeer('replayer');
    const text = eventBy(peer.identity, { addr: hasher.hashSync('replayed@example.org') });
    peer.server.serve([text]);
    expect(await pull('replayer')).toMatchObject({ ok: true, accepted: 1, rejected: 0 });

    // The next pull finds the same event under a new cursor, and a new one twice in its page.
    const fresh = eventBy(peer.identity, { addr: hasher.hashSync('replayed@example.org') });
    peer.server.serve([text, text, fresh, fresh]);
    expect(await pull('replayer')).toMatchObject({ ok: true, accepted: 1, rejected: 2, error: null });
    expect(peer.server.requests.at(-1)!.after).toBe('1');

    expect(byReason(await health('replayer'))).toEqual({ duplicate: 2 });
    expect(await health('replayer')).toMatchObject({ eventsReceived: 2, eventsRejected: 2 });
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 2, distinct: 2 });
    expect((await relay.federation.status('replayed@example.org')).origins).toEqual([{ origin: peer.identity.id, weight: 1, events: 2 }]);
    expect(await cursorOf('replayer')).toBe('4');
  });

  it('refuses events older than the age limit (too-old) or more than 10 minutes ahead (future)', async () => {
    const peer = await fakePeer('clockskew');
    peer.server.serve([
      eventBy(peer.identity, { at: nowSeconds() - 30 * DAY_SECONDS }),
      eventBy(peer.identity, { at: nowSeconds() + 2 * 3600 }),
      eventBy(peer.identity),
    ]);

    expect(await pull('clockskew')).toMatchObject({ ok: true, accepted: 1, rejected: 2, error: null });
    expect(byReason(await health('clockskew'))).toEqual({ 'too-old': 1, future: 1 });
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 1, distinct: 1 });
  });
});

describe('evidence from relays this one never met', () => {
  it('judges an address again when an event it holds arrives by a second, heavier path: RCPT agrees with the status', async () => {
    const light = await fakePeer('light', { isTransitive: true, weight: 1 });
    const heavy = await fakePeer('heavy', { isTransitive: true, weight: 4 });
    const addr = hasher.hashSync('two-paths@example.org');
    // This relay saw the address bounce too: one voice of weight 1.
    relay.federation.observe([{ address: 'two-paths@example.org', fact: 'hard', enhanced: '5.1.1', at: new Date() }]);
    await relay.federation.settled();
    const events = [eventBy(identityOf('far-one'), { addr }), eventBy(identityOf('far-two'), { addr })];
    light.server.serve(events, { hops: 1 });
    expect(await pull('light')).toMatchObject({ ok: true, accepted: 2, rejected: 0 });
    const before = await relay.federation.status('two-paths@example.org');
    // Both far origins speak through light, as one voice of 1 × 0.5.
    expect(before.tallies.hard_bounce).toMatchObject({ weight: 1.5, origins: 2 });
    expect(before.verdict).toBeNull();
    expect((await rcpt('two-paths@example.org')).code).toBe(250);

    // The same two events through a peer of weight 4: they now speak through heavy, 4 × 0.5.
    heavy.server.serve(events, { hops: 1 });
    expect(await pull('heavy')).toMatchObject({ ok: true, accepted: 0, error: null });
    expect(await heldFrom(identityOf('far-one').id)).toEqual({ rows: 1, distinct: 1 });
    const after = await relay.federation.status('two-paths@example.org');
    expect(after.verdict).toMatchObject({ kind: 'hard_bounce', weight: 3, origins: 2 });
    const refused = await rcpt('two-paths@example.org');
    expect(refused.code).toBe(550);
    expect(refused.text).toMatch(/reported undeliverable by 2 federated relays \(weight 3\)/);
  });

  it('does not let one transitive peer suppress an address alone by serving the events of origins it made up', async () => {
    const sybil = await fakePeer('sybil', { isTransitive: true });
    const addr = hasher.hashSync('sybil-target@example.org');
    // Four fresh keys cost nothing; each signs one hard bounce, passed on as if from four relays.
    sybil.server.serve([1, 2, 3, 4].map((n) => eventBy(identityOf(`sybil-made-up-${n}`), { addr })), { hops: 1 });
    expect(await pull('sybil')).toMatchObject({ ok: true, accepted: 4, rejected: 0 });
    const status = await relay.federation.status('sybil-target@example.org');
    expect(status.origins).toHaveLength(4);
    // docs/federation.md §6: "One peer, however many events it sends, cannot suppress an address on its own word."
    expect(status.verdict).toBeNull();
    expect((await rcpt('sybil-target@example.org')).code).toBe(250);
  });
});

describe('a peer that moves its cursor backwards', () => {
  it('fails the pull, keeps the committed cursor, stores nothing, backs off, and takes the next good page', async () => {
    const peer = await fakePeer('rewinder');
    const events = [1, 2, 3, 4].map(() => eventBy(peer.identity));
    peer.server.serve(events.slice(0, 3));
    expect(await pull('rewinder')).toMatchObject({ ok: true, accepted: 3 });
    expect(await cursorOf('rewinder')).toBe('3');

    // The peer lost its position: whatever it is asked, it starts again from 1.
    const restarted: FeedEdge[] = events.map((event, i) => ({ cursor: String(i + 1), event, hops: 0 }));
    peer.server.respond((res) => sendJson(res, feedPage(restarted, false)));
    const failed = await pull('rewinder');
    expect(failed).toMatchObject({ ok: false, accepted: 0 });
    expect(failed.error).toMatch(/backwards/);
    expect(peer.server.requests.at(-1)!.after).toBe('3');
    expect(await cursorOf('rewinder')).toBe('3');
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 3, distinct: 3 });
    await expectBackedOff('rewinder', 1, /backwards/);

    peer.server.serve(events);
    expect(await pull('rewinder')).toMatchObject({ ok: true, accepted: 1, rejected: 0, error: null });
    expect(await cursorOf('rewinder')).toBe('4');
    expect(await health('rewinder')).toMatchObject({ failures: 0, lastError: null, eventsReceived: 4 });
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 4, distinct: 4 });
  });
});

describe('a flooding peer', () => {
  it(`stores at most the daily cap of ${FLOOD_EVENTS} events from one origin and never suppresses an address on that origin's word alone`, async () => {
    const peer = await fakePeer('flood', { weight: 10 });
    const target = hasher.hashSync('flooded@example.org');
    const at = nowSeconds() - 60;
    const events: string[] = [];
    // Every tenth event is yet another hard bounce for the same address.
    for (let seq = 1; seq <= FLOOD_EVENTS; seq++) {
      events.push(signEvent(peer.identity, { seq, kind: 'hard_bounce', addr: seq % 10 === 0 ? target : `f1:${seq.toString(16).padStart(32, '0')}`, code: '5.1.1', at }).text);
    }
    peer.server.serve(events, { pageSize: 1000 });

    // A pull takes what it can within its time budget and the next one goes on from its cursor.
    const total = { accepted: 0, rejected: 0, pulls: 0 };
    while ((await cursorOf('flood')) !== String(FLOOD_EVENTS) && total.pulls < 200) {
      const result = await pull('flood');
      // On a busy machine a 330 kB page can miss the 2 s fetch timeout; the next pull resumes from the committed cursor.
      if (!result.ok) expect(result.error).toMatch(/^timeout/);
      total.accepted += result.accepted;
      total.rejected += result.rejected;
      total.pulls += 1;
    }
    expect(await cursorOf('flood')).toBe(String(FLOOD_EVENTS));
    // Every page was asked for, none skipped.
    expect(new Set(peer.server.requests.map((r) => r.after)).size).toBe(FLOOD_EVENTS / 1000);
    expect(total).toMatchObject({ accepted: DAILY_CAP, rejected: FLOOD_EVENTS - DAILY_CAP });
    expect(byReason(await health('flood'))).toEqual({ 'rate-cap': FLOOD_EVENTS - DAILY_CAP });
    expect(await health('flood')).toMatchObject({ eventsReceived: DAILY_CAP, eventsRejected: FLOOD_EVENTS - DAILY_CAP, failures: 0 });
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: DAILY_CAP, distinct: DAILY_CAP });

    // 100 hard bounces held for one address, from a peer of weight 10: one origin all the same.
    const status = await relay.federation.status('flooded@example.org');
    expect(status.origins).toEqual([{ origin: peer.identity.id, weight: 10, events: DAILY_CAP / 10 }]);
    expect(status.tallies.hard_bounce).toMatchObject({ weight: 10, origins: 1 });
    expect(status.verdict).toBeNull();
    expect((await rcpt('flooded@example.org')).code).toBe(250);
  }, 600_000);
});

describe('a pull that fails in transport', () => {
  it('drops a 500 MB answer as too large, whether announced or streamed, having read only a bounded part', async () => {
    const peer = await fakePeer('huge');
    let written = 0;
    peer.server.respond((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(500 * MiB) });
      pumpForever(res, (n) => (written += n));
    });
    const announced = await pull('huge');
    expect(announced).toMatchObject({ ok: false, accepted: 0 });
    expect(announced.error).toMatch(/^too-large: announces 524288000 bytes/);
    await expectBackedOff('huge', 1, /^too-large/);
    expect(written).toBeLessThan(64 * MiB);

    // No Content-Length: chunks keep coming until the relay hangs up.
    written = 0;
    peer.server.respond((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      pumpForever(res, (n) => (written += n));
    });
    const streamed = await pull('huge');
    expect(streamed).toMatchObject({ ok: false, accepted: 0 });
    expect(streamed.error).toMatch(/^too-large: sent more than the 4194304 bytes/);
    await expectBackedOff('huge', 2, /^too-large/);
    expect(written).toBeLessThan(64 * MiB);
    expect(await cursorOf('huge')).toBeNull();
  });

  it('gives up on a peer that drips its answer a byte at a time (timeout)', async () => {
    const peer = await fakePeer('dripper');
    peer.server.respond((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write('{');
      const timer = peer.server.every(200, () => res.write(' '));
      res.on('close', () => peer.server.clearTimer(timer));
    });
    const result = await pull('dripper');
    expect(result).toMatchObject({ ok: false, accepted: 0 });
    expect(result.error).toMatch(/^timeout/);
    await expectBackedOff('dripper', 1, /^timeout/);
  });

  it('refuses a redirect without contacting where it points (redirect)', async () => {
    const peer = await fakePeer('redirector');
    const target = await FeedServer.start();
    servers.push(target);
    target.serve([eventBy(peer.identity)]);
    peer.server.respond((res) => {
      res.writeHead(302, { location: `${target.url}/graphql`, 'content-length': '0' });
      res.end();
    });
    const result = await pull('redirector');
    expect(result).toMatchObject({ ok: false, accepted: 0 });
    expect(result.error).toMatch(/^redirect: answered 302/);
    await expectBackedOff('redirector', 1, /^redirect/);
    expect(target.connections).toBe(0);
    expect(target.requests).toHaveLength(0);
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 0, distinct: 0 });
  });

  it('fails on a malformed page and stores nothing of it', async () => {
    const peer = await fakePeer('garbled');
    const good: FeedEdge = { cursor: '1', event: eventBy(peer.identity), hops: 0 };
    const page = (edges: unknown) => JSON.stringify({ data: { federationFeed: { edges, pageInfo: { hasNextPage: false, endCursor: '2' } } } });
    const cases: [string, string, RegExp][] = [
      ['not JSON', '<html><body>502 Bad Gateway</body></html>', /not acceptable JSON: not-json/],
      ['JSON nested 10,000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, /not acceptable JSON: too-deep/],
      ['edges not an array', page({ 0: { cursor: good.cursor, node: { event: good.event, hops: 0 } } }), /not a feed page/],
      ['an edge without node', page([{ cursor: good.cursor, node: { event: good.event, hops: 0 } }, { cursor: '2' }]), /malformed event/],
    ];
    let failures = 0;
    for (const [what, body, error] of cases) {
      peer.server.respond((res) => sendJson(res, body));
      const result = await pull('garbled');
      expect(result, what).toMatchObject({ ok: false, accepted: 0 });
      expect(result.error, what).toMatch(error);
      await expectBackedOff('garbled', ++failures, error);
    }
    expect(await cursorOf('garbled')).toBeNull();
    expect(await health('garbled')).toMatchObject({ eventsReceived: 0, lastSuccessAt: expect.any(Date) });
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 0, distinct: 0 });
  });
});

describe('a peer that will not serve us', () => {
  it('refuses a certificate other than the pinned one before sending the peer anything (fingerprint)', async () => {
    const server = await FeedServer.start();
    servers.push(server);
    const impostor = identityOf('impostor');
    const wrongPin = createHash('sha256').update('another certificate').digest('hex');
    await relay.federation.addPeer({ name: 'impostor', url: server.url, key: impostor.id, tlsFingerprint: wrongPin });
    server.serve([eventBy(impostor)]);
    const result = await pull('impostor');
    expect(result).toMatchObject({ ok: false, accepted: 0 });
    expect(result.error).toMatch(/^fingerprint: the certificate .* is not the pinned/);
    const h = await health('impostor');
    expect(h.lastError).toMatch(/^fingerprint/);
    expect(h.failures).toBeGreaterThanOrEqual(1);
    expect(server.connections).toBeGreaterThanOrEqual(1);
    expect(server.requests).toHaveLength(0);
    expect(await heldFrom(impostor.id)).toEqual({ rows: 0, distinct: 0 });
  });

  it('records what a refusing peer says, without the control characters it put in', async () => {
    const peer = await fakePeer('refuser');
    const hostile = 'unknown key\u001b[2J\u001b[31m\nrelais: all peers removed\r';
    peer.server.respond((res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(hostile);
    });
    const unauthorized = await pull('refuser');
    expect(unauthorized).toMatchObject({ ok: false, accepted: 0 });
    expect(unauthorized.error).toMatch(/^http-status: answered 401: .*unknown key/);
    await expectBackedOff('refuser', 1, /^http-status: answered 401/);
    expect((await health('refuser')).lastError).not.toMatch(/[\u0000-\u001f\u007f]/);

    // The same words as a GraphQL error in a 200 answer.
    peer.server.respond((res) => sendJson(res, JSON.stringify({ errors: [{ message: hostile }] })));
    const refused = await pull('refuser');
    expect(refused).toMatchObject({ ok: false, accepted: 0 });
    expect(refused.error).toMatch(/^the peer refused the feed: unknown key/);
    await expectBackedOff('refuser', 2, /^the peer refused the feed/);
    // `relais peer list` prints the last error to an admin's terminal as it is.
    expect((await health('refuser')).lastError).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});

describe('peers never wait on each other', () => {
  it('pulls a good peer to the end while a slow one is still being pulled', async () => {
    const slow = await fakePeer('slow');
    const quick = await fakePeer('quick');
    slow.server.respond((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      const timer = slow.server.every(200, () => res.write(' '));
      res.on('close', () => slow.server.clearTimer(timer));
    });
    quick.server.serve([eventBy(quick.identity)]);

    let isSlowSettled = false;
    const slowPull = pull('slow').finally(() => {
      isSlowSettled = true;
    });
    await waitFor(() => slow.server.requests.length > 0, 20_000, 'the slow peer to be asked');
    expect(await pull('quick')).toMatchObject({ ok: true, accepted: 1, error: null });
    expect(isSlowSettled).toBe(false);
    const slowResult = await slowPull;
    expect(slowResult).toMatchObject({ ok: false });
    expect(slowResult.error).toMatch(/^timeout/);
  });
});

describe('after all of this', () => {
  it('still accepts mail', async () => {
    expect((await rcpt('someone@example.org')).code).toBe(250);
    expect((await rcpt('passed-on@example.org')).code).toBe(250);
  });

  it('resumes after a restart from the last committed page, without loss or double counting', async () => {
    const peer = await fakePeer('restarter');
    const edges: FeedEdge[] = [1, 2, 3, 4, 5, 6].map((n) => ({ cursor: String(n), event: eventBy(peer.identity), hops: 0 }));
    // The second page brings three new events and the second one again.
    const pages = { first: edges.slice(0, 3), second: [...edges.slice(3), { cursor: '7', event: edges[1]!.event, hops: 0 }] };
    let isSecondPageBroken = true;
    peer.server.respond((res, request) => {
      if (request.after === null) return sendJson(res, feedPage(pages.first, true));
      if (request.after === '3' && isSecondPageBroken) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return void res.end('restarting');
      }
      if (request.after === '3') return sendJson(res, feedPage(pages.second, false));
      sendJson(res, feedPage([], false));
    });

    const interrupted = await pull('restarter');
    expect(interrupted).toMatchObject({ ok: false, pages: 1, accepted: 3 });
    expect(interrupted.error).toMatch(/^http-status: answered 500/);
    expect(await cursorOf('restarter')).toBe('3');
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 3, distinct: 3 });

    await relay.stop();
    relay = await startTestRelay(db, env);
    isSecondPageBroken = false;
    const resumed = await pull('restarter');
    expect(peer.server.requests.map((r) => r.after)).toEqual([null, '3', '3']);
    expect(resumed).toMatchObject({ ok: true, accepted: 3, rejected: 1, error: null });
    expect(await cursorOf('restarter')).toBe('7');
    expect(await heldFrom(peer.identity.id)).toEqual({ rows: 6, distinct: 6 });
    expect(await health('restarter')).toMatchObject({ eventsReceived: 6, failures: 0, lastError: null });
    expect(byReason(await health('restarter'))).toEqual({ duplicate: 1 });
    expect((await rcpt('someone@example.org')).code).toBe(250);
  });
});
