// Federation between real relais processes, each with its own database and
// data directory, peered with the CLI as an operator would (A-B, A2-B, B-C).
// C learns that gone@dest.test does not exist; B relays what C signed; A
// trusts B transitively, A2 does not. A refuses the address only once its own
// rules are met (weight 1.5 from 2 origins: itself, and B speaking for C at
// half weight), while A2, with the same evidence of its own, never hears of C.
// B bouncing the address too stays one voice at A (docs/federation.md §6).
// Nothing but f1 hashes travels. The outside world is a loopback DNS server
// and sink MXes.
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationIdentity } from '../../relay-core/federation/identity.ts';
import { signRequest } from '../../relay-core/federation/request-signature.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { BIN, relayEnv, ROOT, spawnRelay, waitFor, type SpawnedRelay } from '../support/relay.ts';
import { generateSinkCert, startSinkMx, type SinkMx } from '../support/sink-mx.ts';
import { SmtpTestClient } from '../support/smtp-client.ts';

const NETWORK_KEY = 'three-relays-network-key-0123456789';
const DOMAIN = 'dest.test';
const GONE = `gone@${DOMAIN}`;
const OK = `ok@${DOMAIN}`;
// One loopback address per MX, distinct from other test files; both on the same port (RELAIS_MX_PORT).
const DEST_MX_HOST = '127.0.0.41';
const SENDER_MX_HOST = '127.0.0.42';
// A CLI call takes seconds on a loaded machine; one that has not exited after this is stuck.
const CLI_DEADLINE_MS = 90_000;
// The feed query as docs/federation.md §4 gives it: what any peer implementation sends.
const FEED_QUERY = 'query Feed($after: String, $first: Int!) { federationFeed(after: $after, first: $first) { edges { cursor node { event hops } } pageInfo { hasNextPage endCursor } } }';

type NodeName = 'a' | 'a2' | 'b' | 'c';

interface Whoami {
  id: string;
  name: string;
  url: string;
  tlsFingerprint: string;
  isEnabled: boolean;
  networkKeyCheck: string | null;
}

interface Tally {
  weight: number;
  origins: number;
}

interface FederatedStatus {
  addr: string;
  verdict: { kind: string; weight: number; origins: number; since: string } | null;
  tallies: { hard_bounce: Tally; soft_bounce: Tally; complaint: Tally };
  origins: { origin: string; weight: number; events: number }[];
  localSuccessAt: string | null;
}

interface PeerJson {
  name: string;
  url: string;
  publicKey: string;
  weight: number;
  isTransitive: boolean;
  tlsFingerprint: string | null;
  health: {
    lastAttemptAt: string | null;
    lastError: string | null;
    eventsReceived: number;
    eventsRejected: number;
    rejections: { reason: string; count: number }[];
  };
}

interface RelayNode {
  name: NodeName;
  env: Record<string, string>;
  relay: SpawnedRelay;
  me: Whoami;
  /** The base URL its peers pull from. */
  url: string;
}

const nodes = new Map<NodeName, RelayNode>();
const databases: TestDatabase[] = [];
/** Every CLI answer, to be searched for plaintext at the end. */
const cliOutputs: string[] = [];
/** CLI processes still running: stopped in afterAll if a test ended while one was. */
const cliChildren = new Set<ChildProcess>();
let dns: TestDnsServer;
let destMx: SinkMx;
let senderMx: SinkMx;

function node(name: NodeName): RelayNode {
  const n = nodes.get(name);
  if (!n) throw new Error(`relay ${name} did not start`);
  return n;
}

/**
 * `relais ARGS` against the running relay `name` (through its control socket
 * on PGlite, straight to its database on PostgreSQL). It must exit 0 within
 * CLI_DEADLINE_MS; one that does not is stopped and fails the test.
 */
async function cli(name: NodeName, ...args: string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...node(name).env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  cliChildren.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let isOverdue = false;
  const timer = setTimeout(() => {
    isOverdue = true;
    child.kill('SIGKILL');
  }, CLI_DEADLINE_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  cliChildren.delete(child);
  cliOutputs.push(stdout, stderr);
  const what = `relais ${args.join(' ')} on ${name}`;
  expect(isOverdue, `${what} did not exit within ${CLI_DEADLINE_MS / 1000} s; it printed: ${stdout}${stderr}`).toBe(false);
  expect(code, `${what}: ${stdout}${stderr}`).toBe(0);
  return stdout;
}

async function cliJson<T>(name: NodeName, ...args: string[]): Promise<T> {
  return JSON.parse(await cli(name, ...args, '--json')) as T;
}

const statusOf = (name: NodeName, address = GONE) => cliJson<FederatedStatus>(name, 'federation', 'status', address);
const peersOf = (name: NodeName) => cliJson<PeerJson[]>(name, 'peer', 'list');

/** `relais peer sync PEER` on `name`: the one line it prints. */
async function sync(name: NodeName, peer: NodeName): Promise<string> {
  return (await cli(name, 'peer', 'sync', peer)).trim();
}

/** Reads `read()` until `isDone` holds of its value, within the deadline; returns that value. */
async function readUntil<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  let last!: T;
  await waitFor(async () => isDone((last = await read())), timeoutMs, what);
  return last;
}

/** The origins of a status in one order (the status lists them in none). */
function byOrigin(origins: FederatedStatus['origins']): FederatedStatus['origins'] {
  return [...origins].sort((x, y) => (x.origin < y.origin ? -1 : x.origin > y.origin ? 1 : 0));
}

async function rcpt(name: NodeName, address: string): Promise<{ code: number; text: string }> {
  const { client } = await SmtpTestClient.connect({ host: '127.0.0.1', port: node(name).relay.smtpPort });
  try {
    await client.command('EHLO client.test');
    await client.command('MAIL FROM:<app@example.org>');
    return await client.command(`RCPT TO:<${address}>`);
  } finally {
    await client.quit();
  }
}

/** Submits from a trusted network (no AUTH needed). */
async function submit(name: NodeName, to: string, subject: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: node(name).relay.smtpPort, secure: false, ignoreTLS: true });
  await transport.sendMail({ from: 'app@example.org', to, subject, text: `body of ${subject}` });
}

/**
 * The whole feed `name` serves, read as its peer `reader` reads it: a request
 * signed with the reader's key (from its data directory), over HTTPS to the
 * certificate whoami announced. Returns every response body as received.
 */
async function readFeed(name: NodeName, reader: NodeName): Promise<{ bodies: string[]; edges: { cursor: string; node: { event: string; hops: number } }[] }> {
  const identity = FederationIdentity.load(node(reader).env.RELAIS_DATA_DIR!);
  if (!identity) throw new Error(`relay ${reader} has no federation identity`);
  const bodies: string[] = [];
  const edges: { cursor: string; node: { event: string; hops: number } }[] = [];
  let after: string | null = null;
  for (;;) {
    const body = JSON.stringify({ query: FEED_QUERY, variables: { after, first: 100 } });
    const text = await postPinned(node(name), body, signRequest(identity, { method: 'POST', path: '/graphql', body }));
    bodies.push(text);
    const page = (JSON.parse(text) as { data: { federationFeed: { edges: typeof edges; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }).data.federationFeed;
    edges.push(...page.edges);
    if (!page.pageInfo.hasNextPage) return { bodies, edges };
    after = page.pageInfo.endCursor;
  }
}

function postPinned(target: RelayNode, body: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    // The certificate is self-signed: it is checked against the pinned fingerprint below instead of a CA.
    const req = httpsRequest(`${target.url}/graphql`, {
      method: 'POST', rejectUnauthorized: false,
      headers: { ...headers, 'content-type': 'application/json', 'x-relais-csrf': '1', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if (fingerprint !== target.me.tlsFingerprint) reject(new Error(`${target.name} served certificate ${fingerprint}, not ${target.me.tlsFingerprint}`));
        else if (res.statusCode !== 200) reject(new Error(`${target.name} answered ${res.statusCode}: ${text}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dns = await startDnsServer();
  const cert = await generateSinkCert();
  destMx = await startSinkMx({
    host: DEST_MX_HOST, cert,
    answerFor: (address) => (address.toLowerCase() === GONE ? { code: 550, text: `5.1.1 <${address}>: Recipient address rejected: User unknown in virtual mailbox table` } : null),
  });
  senderMx = await startSinkMx({ host: SENDER_MX_HOST, port: destMx.port, cert, acceptAll: true });
  dns.setZone({
    [DOMAIN]: { mx: [{ preference: 10, exchange: `mx.${DOMAIN}` }] },
    [`mx.${DOMAIN}`]: { a: [DEST_MX_HOST] },
    'example.org': { mx: [{ preference: 10, exchange: 'mx.example.org' }] },
    'mx.example.org': { a: [SENDER_MX_HOST] },
  });

  const common = {
    // Peers are reached over HTTPS only: each relay serves its own self-signed certificate.
    RELAIS_HTTP_PLAIN: 'false',
    RELAIS_TRUSTED_NETWORKS: '127.0.0.0/8',
    RELAIS_DNS_SERVERS: dns.address,
    RELAIS_MX_PORT: String(destMx.port),
    RELAIS_FEDERATION_NETWORK_KEY: NETWORK_KEY,
    RELAIS_ALLOW_PRIVATE_PEERS: 'true',
    // Pulls happen when the test asks for them (`relais peer sync`), never on their own mid-scenario.
    RELAIS_FEDERATION_SYNC_INTERVAL: '3600',
  };
  // A and A2 suppress on weight 1.5 from 2 origins; B and C keep the defaults (2 from 2). A and A2
  // keep no local suppression list, which would refuse an address they bounced themselves before
  // federation is asked: their RCPT replies are federation's alone.
  const strict = { RELAIS_FEDERATION_HARD_WEIGHT: '1.5', RELAIS_FEDERATION_MIN_ORIGINS: '2', RELAIS_SUPPRESS_HARD_BOUNCES: '0' };
  const extra: Record<NodeName, Record<string, string>> = { a: strict, a2: strict, b: {}, c: {} };
  await Promise.all((['a', 'a2', 'b', 'c'] as const).map(async (name) => {
    const db = await createTestDatabase();
    databases.push(db);
    const env = relayEnv(db, { ...common, ...extra[name], RELAIS_HOSTNAME: `${name}.relais.test` });
    const relay = await spawnRelay(env, 120_000);
    const url = `https://127.0.0.1:${relay.httpPort}`;
    nodes.set(name, { name, env, relay, url, me: { id: '', name: '', url: '', tlsFingerprint: '', isEnabled: false, networkKeyCheck: null } });
    node(name).me = await cliJson<Whoami>(name, 'federation', 'whoami');
  }));
}, 240_000);

afterAll(async () => {
  for (const child of cliChildren) child.kill('SIGKILL');
  await Promise.all([...nodes.values()].map(async ({ relay }) => {
    if (relay.child.exitCode === null && relay.child.signalCode === null) {
      relay.child.kill('SIGTERM');
      const timer = setTimeout(() => relay.child.kill('SIGKILL'), 20_000);
      await relay.exited;
      clearTimeout(timer);
    }
  }));
  await Promise.all([destMx?.close(), senderMx?.close(), dns?.close()]);
  for (const db of databases) await db.drop();
}, 120_000);

// Each CLI call starts a Node process (seconds each on a loaded machine): time is given generously.
describe('three federated relays (and A2, which does not trust transitively)', { timeout: 240_000 }, () => {
  it('each relay has its own identity, all share the network key, and peers are added on both sides with the CLI', async () => {
    const all = [...nodes.values()];
    for (const n of all) {
      expect(n.me).toMatchObject({ name: `${n.name}.relais.test`, isEnabled: true });
      expect(n.me.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(n.me.tlsFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    }
    expect(new Set(all.map((n) => n.me.id)).size).toBe(4);
    expect(new Set(all.map((n) => n.me.networkKeyCheck)).size).toBe(1);

    // --key=ID: an id is base64url and starts with "-" for one relay in 64, which `--key ID` would take for an option.
    const add = (name: NodeName, peer: NodeName, ...flags: string[]) =>
      cli(name, 'peer', 'add', peer, '--url', node(peer).url, `--key=${node(peer).me.id}`, '--tls-fingerprint', node(peer).me.tlsFingerprint, ...flags);
    await Promise.all([
      (async () => {
        await add('b', 'a');
        await add('b', 'a2');
        await add('b', 'c');
      })(),
      add('c', 'b'),
      add('a', 'b', '--transitive'),
      add('a2', 'b'),
    ]);

    // A new peer is pulled once by the relay itself (the side added first may get a 401 then);
    // after that the next pull is an interval away, so every pull below is the test's own.
    // Then every relay pulls each of its peers once more, now that trust is mutual: all succeed.
    const mesh: [NodeName, NodeName[]][] = [['a', ['b']], ['a2', ['b']], ['b', ['a', 'a2', 'c']], ['c', ['b']]];
    const lists = await Promise.all(mesh.map(async ([name, peers]) => {
      const list = await readUntil(() => peersOf(name), (l) => l.every((p) => p.health.lastAttemptAt !== null), 60_000, `the first pulls of ${name}`);
      expect(list.map((p) => p.name)).toEqual(peers);
      const lines = (await cli(name, 'peer', 'sync')).trim().split('\n');
      expect(lines.sort()).toEqual(peers.map((p) => `${p}: ok, 1 page(s), 0 event(s) accepted, 0 rejected`).sort());
      return list;
    }));
    const [peersOfA, peersOfA2] = lists;
    expect(peersOfA).toMatchObject([{ name: 'b', url: node('b').url, publicKey: node('b').me.id, isTransitive: true, weight: 1, tlsFingerprint: node('b').me.tlsFingerprint }]);
    expect(peersOfA2).toMatchObject([{ name: 'b', url: node('b').url, publicKey: node('b').me.id, isTransitive: false, weight: 1, tlsFingerprint: node('b').me.tlsFingerprint }]);
  });

  it('a 550 5.1.1 for gone@ at C\'s delivery becomes a hard_bounce event of C\'s own', async () => {
    expect((await rcpt('c', GONE)).code).toBe(250);
    await submit('c', GONE, 'to-gone-via-c');
    // The DSN to the sender tells that the outcome committed; the event is made just after, in the background.
    await senderMx.waitFor((m) => m.some((x) => x.rcptTo.includes('app@example.org') && x.body.toString().includes('to-gone-via-c')), 60_000);
    const status = await readUntil(() => statusOf('c'), (s) => s.tallies.hard_bounce.origins === 1, 60_000, 'C\'s own hard_bounce event');
    expect(status.addr).toMatch(/^f1:[0-9a-f]{32}$/);
    expect(status.origins).toEqual([{ origin: node('c').me.id, weight: 1, events: 1 }]);
    expect(status.verdict).toBeNull(); // C's default rules need 2 origins
    expect(destMx.messages.some((m) => m.rcptTo.includes(GONE))).toBe(false);
  });

  it('A, trusting B transitively, holds C\'s event at half weight on B\'s behalf and still accepts gone@; A2 rejects it as not-transitive', async () => {
    expect(await sync('b', 'c')).toBe('c: ok, 1 page(s), 1 event(s) accepted, 0 rejected');
    const [aPulled, a2Pulled] = await Promise.all([sync('a', 'b'), sync('a2', 'b')]);
    expect(aPulled).toBe('b: ok, 1 page(s), 1 event(s) accepted, 0 rejected');
    expect(a2Pulled).toBe('b: ok, 1 page(s), 0 event(s) accepted, 1 rejected');

    const [atB, atA, atA2, peersOfA2] = await Promise.all([statusOf('b'), statusOf('a'), statusOf('a2'), peersOf('a2')]);
    expect(atB.origins).toEqual([{ origin: node('c').me.id, weight: 1, events: 1 }]);
    expect(atB.verdict).toBeNull();

    expect(atA.addr).toBe(atB.addr); // one network key, one hash
    expect(atA.origins).toEqual([{ origin: node('c').me.id, weight: 0.5, events: 1 }]);
    expect(atA.tallies.hard_bounce).toMatchObject({ weight: 0.5, origins: 1 });
    expect(atA.verdict).toBeNull();
    expect((await rcpt('a', GONE)).code).toBe(250);

    expect(atA2.origins).toEqual([]);
    expect(atA2.tallies.hard_bounce).toMatchObject({ weight: 0, origins: 0 });
    expect(peersOfA2[0]!.health).toMatchObject({ eventsReceived: 0, eventsRejected: 1, lastError: null });
    expect(peersOfA2[0]!.health.rejections).toMatchObject([{ reason: 'not-transitive', count: 1 }]);
  });

  it('with its own 550 5.1.1 for gone@, A holds 1.5 from 2 origins and refuses RCPT with the federated reply; A2, with the same own evidence but no transitive trust, holds 1 from 1 and accepts', async () => {
    await Promise.all([submit('a', GONE, 'to-gone-via-a'), submit('a2', GONE, 'to-gone-via-a2')]);
    await senderMx.waitFor((m) => ['to-gone-via-a', 'to-gone-via-a2'].every((subject) => m.some((x) => x.body.toString().includes(subject))), 60_000);
    const [atA, atA2] = await Promise.all([
      readUntil(() => statusOf('a'), (s) => s.tallies.hard_bounce.origins === 2, 60_000, 'A\'s own hard_bounce event'),
      readUntil(() => statusOf('a2'), (s) => s.tallies.hard_bounce.origins === 1, 60_000, 'A2\'s own hard_bounce event'),
    ]);
    expect(byOrigin(atA.origins)).toEqual(byOrigin([
      { origin: node('c').me.id, weight: 0.5, events: 1 },
      { origin: node('a').me.id, weight: 1, events: 1 },
    ]));
    expect(atA.tallies.hard_bounce).toMatchObject({ weight: 1.5, origins: 2 });
    expect(atA.verdict).toMatchObject({ kind: 'hard_bounce', weight: 1.5, origins: 2 });
    expect(Date.parse(atA.verdict!.since)).not.toBeNaN();

    // On PostgreSQL a CLI process may have written the verdict: the running relay rereads verdicts within seconds.
    const refused = await readUntil(() => rcpt('a', GONE), (reply) => reply.code === 550, 30_000, 'A refusing gone@ at RCPT');
    expect(refused.text).toMatch(/^5\.1\.1 <gone@dest\.test>: Recipient address rejected: reported undeliverable by 2 federated relays \(weight 1\.5\) as of \d{4}-\d{2}-\d{2}$/);
    expect((await rcpt('a', OK)).code).toBe(250);

    expect(atA2.origins).toEqual([{ origin: node('a2').me.id, weight: 1, events: 1 }]);
    expect(atA2.tallies.hard_bounce).toMatchObject({ weight: 1, origins: 1 });
    expect(atA2.verdict).toBeNull();
    expect((await rcpt('a2', GONE)).code).toBe(250);
  });

  it('when B bounces gone@ itself, B stays one voice at A (its own event and what it relays weigh 1, not 1.5), and A2 now holds two direct voices', async () => {
    expect((await rcpt('b', GONE)).code).toBe(250); // B holds C's word only: 1 origin
    await submit('b', GONE, 'to-gone-via-b');
    await senderMx.waitFor((m) => m.some((x) => x.body.toString().includes('to-gone-via-b')), 60_000);
    const atB = await readUntil(() => statusOf('b'), (s) => s.tallies.hard_bounce.origins === 2, 60_000, 'B\'s own hard_bounce event');
    expect(atB.verdict).toMatchObject({ kind: 'hard_bounce', weight: 2, origins: 2 }); // B's default rules are met

    const [aPulled, a2Pulled] = await Promise.all([sync('a', 'b'), sync('a2', 'b')]);
    expect(aPulled).toBe('b: ok, 1 page(s), 1 event(s) accepted, 0 rejected');
    expect(a2Pulled).toBe('b: ok, 1 page(s), 1 event(s) accepted, 0 rejected');
    const [atA, atA2] = await Promise.all([statusOf('a'), statusOf('a2')]);
    expect(byOrigin(atA.origins)).toEqual(byOrigin([
      { origin: node('c').me.id, weight: 0.5, events: 1 },
      { origin: node('a').me.id, weight: 1, events: 1 },
      { origin: node('b').me.id, weight: 1, events: 1 },
    ]));
    expect(atA.tallies.hard_bounce).toMatchObject({ weight: 2, origins: 2 });
    expect(atA.verdict).toMatchObject({ kind: 'hard_bounce', weight: 2, origins: 2 });
    const stillRefused = await readUntil(() => rcpt('a', GONE), (reply) => /\(weight 2\)/.test(reply.text), 30_000, 'A\'s reply with weight 2');
    expect(stillRefused.text).toMatch(/^5\.1\.1 <gone@dest\.test>: Recipient address rejected: reported undeliverable by 2 federated relays \(weight 2\)/);

    expect(byOrigin(atA2.origins)).toEqual(byOrigin([
      { origin: node('a2').me.id, weight: 1, events: 1 },
      { origin: node('b').me.id, weight: 1, events: 1 },
    ]));
    expect(atA2.verdict).toMatchObject({ kind: 'hard_bounce', weight: 2, origins: 2 });
    const refused = await readUntil(() => rcpt('a2', GONE), (reply) => reply.code === 550, 30_000, 'A2 refusing gone@ at RCPT');
    expect(refused.text).toMatch(/reported undeliverable by 2 federated relays \(weight 2\)/);
    expect((await peersOf('a2'))[0]!.health).toMatchObject({ eventsReceived: 1, eventsRejected: 1 });
  });

  it('no plaintext address or domain leaves a relay: every feed serves f1 hashes only, and no federation log line names the address', async () => {
    const addr = (await statusOf('a')).addr;
    // Each feed read as one of its peers reads it.
    const expected: Record<NodeName, { reader: NodeName; events: { origin: NodeName; hops: number }[] }> = {
      c: { reader: 'b', events: [{ origin: 'c', hops: 0 }] },
      b: { reader: 'a', events: [{ origin: 'c', hops: 1 }, { origin: 'b', hops: 0 }] },
      a: { reader: 'b', events: [{ origin: 'c', hops: 2 }, { origin: 'a', hops: 0 }, { origin: 'b', hops: 1 }] },
      a2: { reader: 'b', events: [{ origin: 'a2', hops: 0 }, { origin: 'b', hops: 1 }] },
    };
    for (const [name, { reader, events }] of Object.entries(expected) as [NodeName, (typeof expected)[NodeName]][]) {
      const feed = await readFeed(name, reader);
      const served = feed.edges.map((e) => ({ hops: e.node.hops, event: JSON.parse(e.node.event) as Record<string, unknown> }));
      for (const body of feed.bodies) {
        // Keys and signatures are random base64url and may spell anything: the rest of the text must not name the local part.
        const text = served.reduce((t, { event }) => t.replaceAll(String(event.sig), '').replaceAll(String(event.origin), ''), body).toLowerCase();
        expect(text, `feed of ${name}`).not.toContain('gone');
        expect(text, `feed of ${name}`).not.toContain(DOMAIN);
      }
      expect(served.map((s) => ({ origin: s.event.origin, hops: s.hops })), `feed of ${name}`)
        .toEqual(events.map((e) => ({ origin: node(e.origin).me.id, hops: e.hops })));
      for (const { event } of served) {
        expect(Object.keys(event).sort()).toEqual(['addr', 'at', 'code', 'kind', 'origin', 'seq', 'sig', 'v']);
        expect(event).toMatchObject({ v: 1, kind: 'hard_bounce', addr, code: '5.1.1' });
      }
    }

    // The relays' own logs never name the address; delivery lines name its domain (the destination),
    // but no line about federation, peers or verdicts does.
    for (const n of nodes.values()) {
      const log = n.relay.log().toLowerCase();
      expect(log, `log of ${n.name}`).toContain('"relais started"');
      expect(log, `log of ${n.name}`).not.toContain('gone@');
      for (const line of log.split('\n').filter((l) => /federat|peer|sync|verdict/.test(l))) expect(line, `log of ${n.name}`).not.toContain(DOMAIN);
    }
    // What the CLI showed about peers and federated status: hashes only (the address was given on its command line).
    for (const output of cliOutputs) expect(output.toLowerCase()).not.toContain('gone@');
  });

  it('the relays keep serving mail: A delivers a normal message to ok@', async () => {
    await submit('a', OK, 'ok-via-a');
    await destMx.waitFor((m) => m.some((x) => x.rcptTo.includes(OK) && x.body.toString().includes('Subject: ok-via-a')), 60_000);
    for (const n of nodes.values()) expect(n.relay.child.exitCode, `relay ${n.name} is still running`).toBeNull();
  });
});
