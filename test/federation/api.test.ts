// Federation over the GraphQL API, on HTTPS against a relay in this process:
// its identity, adding, listing, pulling and removing peers, the federated
// status of an address and the local rules, for admins only; and the feed,
// which an admin reads and a configured peer reads by signing its request —
// a mail user, nobody, a stranger's key, a stale time or a changed body get
// nothing. Fake peers are HTTPS servers on 127.0.0.1 (test/support/feed-server.ts).
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts, ApiTokens } from '../../relay-core/accounts/index.ts';
import { FederationHasher } from '../../relay-core/federation/address-hash.ts';
import { parseSignedEvent, signEvent, verifyEvent } from '../../relay-core/federation/event.ts';
import { identityFromSeed, type FederationIdentity } from '../../relay-core/federation/identity.ts';
import { signRequest } from '../../relay-core/federation/request-signature.ts';
import { FEED_QUERY } from '../../relay-core/federation/sync.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { FeedServer, removeFeedServerFiles } from '../support/feed-server.ts';
import { startTestRelay, waitFor } from '../support/relay.ts';

const NETWORK_KEY = 'api-test-network-key-0123456789';
const hasher = new FederationHasher({ networkKey: Buffer.from(NETWORK_KEY, 'utf8') });

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string }[];
  headers: IncomingHttpHeaders;
  /** What came back, as text: to look for what must not be in it. */
  text: string;
  /** SHA-256 fingerprint of the certificate the relay presented. */
  certificate: string | null;
}

let db: TestDatabase;
let relay: RunningRelay;
let readToken: string;
const servers: FeedServer[] = [];
/** Peers added in beforeAll: `good` (weight 2) serves events, `reader` reads our feed. */
const peers: Record<'good' | 'reader', { identity: FederationIdentity; server: FeedServer }> = {} as never;

function identityOf(label: string): FederationIdentity {
  return identityFromSeed(createHash('sha256').update(`federation-api:${label}`).digest());
}

/** POST /graphql over HTTPS; the relay's certificate is self-signed, so it is read (and compared) rather than verified. */
function post(body: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port: relay.httpPort, path: '/graphql', method: 'POST', agent: false, rejectUnauthorized: false,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
    }, (res) => {
      const certificate = (res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? null;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: { data?: Answer['data']; errors?: Answer['errors'] };
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          parsed = { errors: [{ message: text }] };
        }
        resolve({ status: res.statusCode ?? 0, ...parsed, headers: res.headers, text, certificate });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Someone asking the API: nobody, a session (after login) or a token. */
class Caller {
  cookie: string | null = null;
  token: string | null = null;

  request(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
    return post(JSON.stringify({ query, variables }), {
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
    });
  }

  static async login(login: string, password: string): Promise<Caller> {
    const caller = new Caller();
    const res = await caller.request('mutation ($l: String!, $p: String!) { login(login: $l, password: $p) { problem { code } } }', { l: login, p: password });
    expect(res.data?.login.problem).toBeNull();
    caller.cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    return caller;
  }
}

const admin = () => Caller.login('root', 'a long admin password');
const alice = () => Caller.login('alice', 'alice password');

function refused(res: Answer): void {
  expect(res.status).toBeLessThan(500);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.[0]?.message).toMatch(/not authorized/i);
}

/** A feed request signed by `identity` (or with the headers it is given), as a reading peer sends it. */
function feedRequest(body: string, signature: Record<string, string>): Promise<Answer> {
  return post(body, { 'x-relais-csrf': '1', ...signature });
}

const feedBody = (first: number, query = FEED_QUERY) => JSON.stringify({ query, variables: { after: null, first } });

const IDENTITY = '{ federationIdentity { id name url tlsFingerprint isEnabled networkKeyCheck } }';
const PEER = 'name url publicKey weight isTransitive tlsFingerprint createdAt cursor lastAttemptAt lastSuccessAt lagSeconds lastError failures nextAttemptAt eventsReceived eventsRejected newestEventAt rejections { reason count lastAt }';
const PEERS = `{ peers { ${PEER} } }`;
const ADD = `mutation ($name: String!, $url: String!, $key: String!, $weight: Float, $isTransitive: Boolean, $tlsFingerprint: String) {
  addPeer(name: $name, url: $url, key: $key, weight: $weight, isTransitive: $isTransitive, tlsFingerprint: $tlsFingerprint) { peer { ${PEER} } problem { code message } } }`;
const REMOVE = 'mutation ($name: String!) { removePeer(name: $name) { peer { name } forgotten problem { code message } } }';
const SYNC = 'mutation ($name: String) { syncPeers(name: $name) { results { peer ok pages accepted rejected error } problem { code message } } }';
const STATUS = `query ($address: String!) { federatedStatus(address: $address) {
  addr verdict { kind weight origins since } tallies { kind weight origins } origins { origin weight events } localSuccessAt problem { code message } } }`;
const SETTINGS = `{ federationSettings { minOrigins hardWeight softBounces softWindowDays complaintWeight localWeight transitiveFactor maxHops maxAgeDays
  originDailyCap syncIntervalSeconds } }`;
const FEED = 'query ($first: Int!, $after: String) { federationFeed(first: $first, after: $after) { edges { cursor node { event hops } } pageInfo { hasNextPage endCursor } } }';

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db, {
    RELAIS_HTTP_PLAIN: 'false',
    RELAIS_FEDERATION_NETWORK_KEY: NETWORK_KEY,
    RELAIS_ALLOW_PRIVATE_PEERS: 'true',
    RELAIS_FEDERATION_SYNC_INTERVAL: '3600',
    RELAIS_FEDERATION_FETCH_TIMEOUT_MS: '5000',
  });
  await new AdminAccounts({ db: relay.db }).add('root', 'a long admin password');
  await relay.users.add('alice', 'alice password', ['alice@example.org']);
  readToken = (await new ApiTokens({ db: relay.db }).create({ name: 'grafana', scope: 'read', by: 'test' })).secret;
  for (const name of ['good', 'reader'] as const) {
    const server = await FeedServer.start();
    servers.push(server);
    peers[name] = { identity: identityOf(name), server };
  }
});

afterAll(async () => {
  await relay?.stop();
  await Promise.all(servers.map((s) => s.close()));
  await db?.drop();
  removeFeedServerFiles();
});

describe('who may see and change federation', () => {
  it('a mail user and nobody signed in may neither read nor change it', async () => {
    const requests: [string, Record<string, unknown>][] = [
      [IDENTITY, {}], [PEERS, {}], [STATUS, { address: 'someone@example.org' }], [SETTINGS, {}], [FEED, { first: 10 }],
      [ADD, { name: 'mallory', url: 'https://127.0.0.1:1', key: identityOf('mallory').id }], [REMOVE, { name: 'good' }], [SYNC, {}],
    ];
    for (const caller of [new Caller(), await alice()]) {
      for (const [query, variables] of requests) refused(await caller.request(query, variables));
    }
    const reader = new Caller();
    reader.token = readToken;
    for (const [query, variables] of requests.slice(0, 4)) expect((await reader.request(query, variables)).errors, query).toBeUndefined();
    for (const [query, variables] of requests.slice(5)) refused(await reader.request(query, variables));
    expect(await relay.federation.peers.list()).toEqual([]);
  });
});

describe('this relay and its peers', () => {
  it('federationIdentity gives what a peer needs: the id and the fingerprint of the certificate it serves', async () => {
    const res = await (await admin()).request(IDENTITY);
    expect(res.errors).toBeUndefined();
    const me = res.data!.federationIdentity;
    expect(me).toMatchObject({ id: relay.federation.whoami().id, isEnabled: true, tlsFingerprint: res.certificate });
    expect(me.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(me.networkKeyCheck).toMatch(/^[0-9a-f]{8}$/);
    expect(res.text).not.toContain(NETWORK_KEY);
  });

  it('addPeer trusts a relay once, in one spelling, and answers bad input with a problem', async () => {
    const c = await admin();
    const { good, reader } = peers;
    const hexFingerprint = good.server.tlsFingerprint.replaceAll(':', '').toLowerCase();
    const added = (await c.request(ADD, { name: ' Good ', url: `${good.server.url}/graphql`, key: good.identity.id, weight: 2, tlsFingerprint: hexFingerprint })).data!.addPeer;
    expect(added.problem).toBeNull();
    expect(added.peer).toMatchObject({
      name: 'good', url: good.server.url, publicKey: good.identity.id, weight: 2, isTransitive: false, tlsFingerprint: good.server.tlsFingerprint,
      cursor: null, failures: 0, eventsReceived: 0, rejections: [],
    });
    const second = (await c.request(ADD, { name: 'reader', url: reader.server.url, key: reader.identity.id, tlsFingerprint: reader.server.tlsFingerprint, isTransitive: true }));
    expect(second.data!.addPeer).toMatchObject({ peer: { name: 'reader', weight: 1, isTransitive: true }, problem: null });

    const other = identityOf('other').id;
    const url = 'https://peer.example.org';
    const bad: [string, Record<string, unknown>, 'INVALID_INPUT' | 'CONFLICT'][] = [
      ['plain http', { name: 'p1', url: 'http://peer.example.org', key: other }, 'INVALID_INPUT'],
      ['a URL with a password', { name: 'p1', url: 'https://user:secret@peer.example.org', key: other }, 'INVALID_INPUT'],
      ['not a URL', { name: 'p1', url: 'peer.example.org', key: other }, 'INVALID_INPUT'],
      ['a key that is no relay id', { name: 'p1', url, key: 'not-a-key' }, 'INVALID_INPUT'],
      ['this relay\'s own key', { name: 'p1', url, key: relay.federation.whoami().id }, 'INVALID_INPUT'],
      ['a name taken', { name: 'GOOD', url, key: other }, 'CONFLICT'],
      ['a key taken', { name: 'p1', url, key: good.identity.id }, 'CONFLICT'],
      ['weight 0', { name: 'p1', url, key: other, weight: 0 }, 'INVALID_INPUT'],
      ['weight 11', { name: 'p1', url, key: other, weight: 11 }, 'INVALID_INPUT'],
      ['a negative weight', { name: 'p1', url, key: other, weight: -1 }, 'INVALID_INPUT'],
      ['a control character in the name', { name: 'p\u00001', url, key: other }, 'INVALID_INPUT'],
      ['a line break in the URL', { name: 'p1', url: 'https://peer.example.org/\r\nx', key: other }, 'INVALID_INPUT'],
      ['a control character in the key', { name: 'p1', url, key: `${other.slice(0, 20)}\u0007${other.slice(21)}` }, 'INVALID_INPUT'],
      ['a fingerprint that is not SHA-256', { name: 'p1', url, key: other, tlsFingerprint: 'AB:CD' }, 'INVALID_INPUT'],
      ['an empty name', { name: '', url, key: other }, 'INVALID_INPUT'],
    ];
    for (const [what, variables, code] of bad) {
      const res = await c.request(ADD, variables);
      expect(res.errors, what).toBeUndefined();
      expect(res.data!.addPeer.peer, what).toBeNull();
      expect(res.data!.addPeer.problem?.code, what).toBe(code);
      expect(res.data!.addPeer.problem.message, what).not.toMatch(/[\u0000-\u001f]/);
    }
    expect((await relay.federation.peers.list()).map((p) => p.name)).toEqual(['good', 'reader']);
  });

  it('peers lists each peer with its health after the first scheduled pull', async () => {
    const c = await admin();
    // A new peer is due at once: the worker pulls both (empty feeds so far) within a second or so.
    let list: Record<string, any>[] = [];
    await waitFor(async () => {
      list = ((await c.request(PEERS)).data?.peers ?? []) as Record<string, any>[];
      return list.length === 2 && list.every((p) => p.lastSuccessAt);
    }, 20_000, 'the first scheduled pulls');
    for (const peer of list) {
      expect(peer).toMatchObject({ cursor: null, lastError: null, failures: 0, eventsReceived: 0, eventsRejected: 0, newestEventAt: null, rejections: [] });
      expect(Date.parse(peer.lastAttemptAt)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(peer.nextAttemptAt)).toBeGreaterThan(Date.now());
      expect(peer.lagSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(list.map((p) => p.name)).toEqual(['good', 'reader']);
  });

  it('syncPeers pulls now and reports each peer; an unknown peer is NOT_FOUND', async () => {
    const c = await admin();
    const { good } = peers;
    const at = Math.floor(Date.now() / 1000) - 60;
    const known = signEvent(good.identity, { seq: 1, kind: 'hard_bounce', addr: hasher.hashSync('known@example.org'), code: '5.1.1', at }).text;
    const forged = signEvent({ id: good.identity.id, sign: (m) => identityOf('not-good').sign(m) }, { seq: 2, kind: 'hard_bounce', addr: hasher.hashSync('forged@example.org'), code: '5.1.1', at }).text;
    good.server.serve([known, forged]);

    const one = (await c.request(SYNC, { name: 'good' })).data!.syncPeers;
    expect(one).toEqual({ results: [{ peer: 'good', ok: true, pages: 1, accepted: 1, rejected: 1, error: null }], problem: null });
    const health = ((await c.request(PEERS)).data!.peers as Record<string, any>[]).find((p) => p.name === 'good')!;
    expect(health).toMatchObject({ cursor: '2', eventsReceived: 1, eventsRejected: 1, failures: 0, lastError: null, rejections: [{ reason: 'bad-signature', count: 1 }] });
    expect(Date.parse(health.newestEventAt)).toBe(at * 1000);

    const all = (await c.request(SYNC)).data!.syncPeers;
    expect(all.problem).toBeNull();
    expect(all.results.map((r: { peer: string }) => r.peer).sort()).toEqual(['good', 'reader']);
    for (const r of all.results) expect(r).toMatchObject({ ok: true, accepted: 0, error: null });

    expect((await c.request(SYNC, { name: 'nobody' })).data!.syncPeers).toMatchObject({ results: [], problem: { code: 'NOT_FOUND' } });
  });

  it('federatedStatus hashes the address here and says what the evidence means; junk is INVALID_INPUT', async () => {
    const c = await admin();
    const res = await c.request(STATUS, { address: 'Known@Example.org' });
    const status = res.data!.federatedStatus;
    expect(status).toMatchObject({ addr: hasher.hashSync('known@example.org'), verdict: null, localSuccessAt: null, problem: null });
    expect(status.addr).toMatch(/^f1:[0-9a-f]{32}$/);
    expect(status.origins).toEqual([{ origin: peers.good.identity.id, weight: 2, events: 1 }]);
    expect(status.tallies).toContainEqual({ kind: 'hard_bounce', weight: 2, origins: 1 });

    for (const junk of ['not an address', '', 'a\u0000b@example.org', `${'x'.repeat(300)}@example.org`]) {
      const refusedStatus = (await c.request(STATUS, { address: junk })).data!.federatedStatus;
      expect(refusedStatus, junk.slice(0, 20)).toMatchObject({ addr: null, verdict: null, origins: [], problem: { code: 'INVALID_INPUT' } });
    }
  });

  it('federationSettings shows the local rules this relay applies', async () => {
    const res = await (await admin()).request(SETTINGS);
    expect(res.data!.federationSettings).toEqual({
      minOrigins: 2, hardWeight: 2, softBounces: 5, softWindowDays: 7, complaintWeight: 0, localWeight: 1, transitiveFactor: 0.5,
      maxHops: 2, maxAgeDays: 14, originDailyCap: 10000, syncIntervalSeconds: 3600,
    });
    expect(res.text).not.toContain(NETWORK_KEY);
  });
});

describe('the feed', () => {
  it('an admin reads this relay\'s own events, signed by it, with no address in clear', async () => {
    relay.federation.observe([{ address: 'Gone.Away@Example.net', fact: 'hard', enhanced: '5.1.1', at: new Date() }]);
    await relay.federation.settled();
    const res = await (await admin()).request(FEED, { first: 10 });
    expect(res.errors).toBeUndefined();
    const edges = res.data!.federationFeed.edges as { cursor: string; node: { event: string; hops: number } }[];
    const own = edges.filter((e) => e.node.hops === 0);
    expect(own).toHaveLength(1);
    const parsed = parseSignedEvent(own[0]!.node.event);
    expect(verifyEvent(parsed)).toBe(true);
    expect(parsed.event).toMatchObject({ origin: relay.federation.whoami().id, kind: 'hard_bounce', code: '5.1.1', addr: hasher.hashSync('gone.away@example.net') });
    // The good peer's event, pulled earlier, is served on as it was signed, one hop away.
    const passedOn = edges.filter((e) => e.node.hops === 1);
    expect(passedOn.map((e) => parseSignedEvent(e.node.event).event.origin)).toEqual([peers.good.identity.id]);
    for (const e of edges) expect(verifyEvent(parseSignedEvent(e.node.event))).toBe(true);
    expect(res.data!.federationFeed.pageInfo).toEqual({ hasNextPage: false, endCursor: edges.at(-1)!.cursor });
    for (const clear of ['gone.away', 'Gone.Away', 'example.net', 'Example.net', 'known@', 'example.org']) expect(res.text).not.toContain(clear);
  });

  it('a configured peer reads the feed by signing its request, and nothing else', async () => {
    const { reader } = peers;
    const body = feedBody(10);
    const res = await feedRequest(body, signRequest(reader.identity, { method: 'POST', path: '/graphql', body }));
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    const edges = res.data!.federationFeed.edges as { node: { event: string } }[];
    expect(edges).toHaveLength(2);
    for (const e of edges) expect(verifyEvent(parseSignedEvent(e.node.event))).toBe(true);

    for (const query of [PEERS, IDENTITY, SETTINGS]) {
      const other = JSON.stringify({ query });
      refused(await feedRequest(other, signRequest(reader.identity, { method: 'POST', path: '/graphql', body: other })));
    }
  });

  it('refuses with 401 a stranger\'s key, a stale time, and a body changed after signing', async () => {
    const { reader } = peers;
    const body = feedBody(10);
    const cases: [string, Record<string, string>, string, RegExp][] = [
      ['a key that is no peer', signRequest(identityOf('stranger'), { method: 'POST', path: '/graphql', body }), body, /unknown key/],
      ['ten minutes ago', signRequest(reader.identity, { method: 'POST', path: '/graphql', body, now: new Date(Date.now() - 600_000) }), body, /stale/],
      ['ten minutes ahead', signRequest(reader.identity, { method: 'POST', path: '/graphql', body, now: new Date(Date.now() + 600_000) }), body, /stale/],
      ['another body', signRequest(reader.identity, { method: 'POST', path: '/graphql', body }), feedBody(9), /bad-signature/],
      ['another path', signRequest(reader.identity, { method: 'POST', path: '/graphql?x=1', body }), body, /bad-signature/],
      ['a garbled signature', { ...signRequest(reader.identity, { method: 'POST', path: '/graphql', body }), 'relais-federation-signature': 'x' }, body, /malformed/],
    ];
    for (const [what, headers, sent, reason] of cases) {
      const res = await feedRequest(sent, headers);
      expect(res.status, what).toBe(401);
      expect(res.headers['www-authenticate'], what).toBe('RelaisFederation');
      expect(res.data ?? null, what).toBeNull();
      expect(res.errors?.[0]?.message, what).toMatch(reason);
      expect(res.text, what).not.toContain('"event"');
    }
  });

  it('answers first: 5000 with an error, not 5000 events', async () => {
    const asAdmin = await (await admin()).request(FEED, { first: 5000 });
    expect(asAdmin.data?.federationFeed ?? null).toBeNull();
    expect(asAdmin.errors?.[0]?.message).toMatch(/first must be 1 to 1000/);
    const body = feedBody(5000);
    const asPeer = await feedRequest(body, signRequest(peers.reader.identity, { method: 'POST', path: '/graphql', body }));
    expect(asPeer.data?.federationFeed ?? null).toBeNull();
    expect(asPeer.errors?.[0]?.message).toMatch(/first must be 1 to 1000/);
    expect(asPeer.text).not.toContain('"event"');
  });
});

describe('removing a peer', () => {
  it('forgets what only it told us; an unknown peer is NOT_FOUND', async () => {
    const c = await admin();
    expect((await c.request(REMOVE, { name: 'good' })).data!.removePeer).toEqual({ peer: { name: 'good' }, forgotten: 1, problem: null });
    const status = (await c.request(STATUS, { address: 'known@example.org' })).data!.federatedStatus;
    expect(status).toMatchObject({ verdict: null, origins: [], problem: null });
    expect((await c.request(REMOVE, { name: 'good' })).data!.removePeer).toMatchObject({ peer: null, forgotten: null, problem: { code: 'NOT_FOUND' } });
    expect((await c.request(REMOVE, { name: 'never-was' })).data!.removePeer).toMatchObject({ peer: null, problem: { code: 'NOT_FOUND' } });
    expect(((await c.request(PEERS)).data!.peers as { name: string }[]).map((p) => p.name)).toEqual(['reader']);
  });
});
