// npm run bench:federation — ingest of a 100,000-event feed from one peer:
// fetch over HTTPS (a loopback peer serving pre-signed pages), verify every
// signature, store, apply the rules, in a fresh embedded database (or
// PostgreSQL with RELAIS_DATABASE_URL). Also the cost of one address hash
// (scheme f1) and of one signature verification on this machine.
// Usage: npm run bench:federation [-- EVENTS]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDb } from '../relay-core/db/index.ts';
import { FederationHasher } from '../relay-core/federation/address-hash.ts';
import { parseSignedEvent, signEvent, verifyEvent } from '../relay-core/federation/event.ts';
import { FederationIdentity, identityFromSeed } from '../relay-core/federation/identity.ts';
import { certificateFingerprint } from '../relay-core/federation/peer-fetch.ts';
import { FederationService } from '../relay-core/federation/service.ts';
import { silentLogger } from '../relay-core/log.ts';
import { loadTlsCredentials } from '../relay-core/submission/index.ts';

const EVENTS = Number(process.argv[2] ?? 100_000);
const PAGE = 1000;
const work = mkdtempSync(join(tmpdir(), 'relais-fed-bench-'));
let created: { adminUrl: string; name: string } | null = null;

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(34)} ${value}\n`);
}

try {
  // The peer: its own identity and events, signed before timing starts.
  const origin = identityFromSeed(Buffer.alloc(32, 9));
  const hasher = new FederationHasher({ networkKey: Buffer.from('bench-network-key-0123456789') });
  const now = Math.floor(Date.now() / 1000);
  const texts: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const addr = `f1:${(i + 1).toString(16).padStart(32, '0')}`;
    texts.push(signEvent(origin, { seq: i + 1, kind: i % 4 === 0 ? 'soft_bounce' : 'hard_bounce', addr, code: '5.1.1', at: now - (i % 3600) }).text);
  }
  const pages = new Map<string, string>();
  for (let at = 0; at < EVENTS; at += PAGE) {
    const edges = texts.slice(at, at + PAGE).map((event, i) => ({ cursor: String(at + i + 1), node: { event, hops: 0 } }));
    pages.set(at === 0 ? 'null' : String(at), JSON.stringify({
      data: { federationFeed: { edges, pageInfo: { hasNextPage: at + PAGE < EVENTS, endCursor: edges.at(-1)!.cursor } } },
    }));
  }
  const tls = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir: join(work, 'peer'), hostname: 'localhost' });
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const after = String((JSON.parse(body) as { variables: { after: string | null } }).variables.after);
      res.writeHead(200, { 'content-type': 'application/json' }).end(pages.get(after) ?? pages.get('null'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  // The reader: a fresh database and a real FederationService.
  const dataDir = join(work, 'reader');
  const db = await openDb({ databaseUrl: await freshDatabase(process.env.RELAIS_DATABASE_URL ?? ''), dataDir });
  await db.migrate();
  const federation = new FederationService({
    db, identity: await FederationIdentity.loadOrCreate(dataDir), name: 'bench', tlsFingerprint: '', log: silentLogger,
    settings: {
      publicUrl: '', networkKey: 'bench-network-key-0123456789', syncIntervalSeconds: 3600, minOrigins: 2, allowPrivatePeers: true,
      hardWeight: 2, softBounces: 5, softWindowDays: 7, complaintWeight: 0, localWeight: 1, transitiveFactor: 0.5, maxHops: 2,
      maxAgeDays: 14, originDailyCap: 10_000_000, fetchTimeoutMs: 600_000, maxResponseBytes: 8 * 1024 * 1024,
    },
  });
  await federation.addPeer({ name: 'peer', url: `https://localhost:${port}`, key: origin.id, tlsFingerprint: certificateFingerprint(tls.cert) });

  const started = performance.now();
  const [result] = await federation.syncNow('peer');
  const seconds = (performance.now() - started) / 1000;
  const [stored] = await db.query<{ n: string }>('select count(*)::text as n from federation_event');
  if (!result?.ok || Number(stored!.n) !== EVENTS) throw new Error(`ingest incomplete: ${JSON.stringify(result)}, ${stored!.n} stored`);

  // One core, no I/O: the two costs the ingest and the RCPT check are made of.
  const parsed = texts.slice(0, 20_000).map((t) => parseSignedEvent(t));
  let t0 = performance.now();
  for (const p of parsed) verifyEvent(p);
  const verifyPerSecond = parsed.length / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < 500; i++) hasher.hashSync(`user${i}@example.org`);
  const hashMs = (performance.now() - t0) / 500;

  line('database', db.kind);
  line('events ingested', `${EVENTS} in ${result.pages} pages`);
  line('ingest (fetch+verify+store+apply)', `${seconds.toFixed(2)} s = ${Math.round(EVENTS / seconds)} events/s`);
  line('signature verification, one core', `${Math.round(verifyPerSecond)} events/s`);
  line('address hash f1, one core', `${hashMs.toFixed(2)} ms per address`);
  await federation.stop();
  await db.close();
  server.close();
} finally {
  rmSync(work, { recursive: true, force: true });
  await dropFreshDatabase();
}


/** On PostgreSQL, a database of its own, dropped at the end (embedded: the fresh data dir). */
async function freshDatabase(adminUrl: string): Promise<string> {
  if (!adminUrl) return '';
  const name = `relais_fed_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  created = { adminUrl, name };
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropFreshDatabase(): Promise<void> {
  if (!created) return;
  const client = new pg.Client({ connectionString: created.adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${created.name} with (force)`);
  await client.end();
}
