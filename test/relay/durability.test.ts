// What happens to accepted mail when the process dies or is stopped, and when
// two relais processes share one PostgreSQL.
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, isPostgres, type TestDatabase } from '../support/db.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { generateSinkCert, startSinkMx, type SinkCert, type SinkMx } from '../support/sink-mx.ts';
import { relayEnv, runCli, spawnRelay, type SpawnedRelay } from '../support/relay.ts';

let dns: TestDnsServer;
let cert: SinkCert;
const running: SpawnedRelay[] = [];
const sinks: SinkMx[] = [];
const databases: TestDatabase[] = [];

beforeAll(async () => {
  dns = await startDnsServer();
  cert = await generateSinkCert();
  dns.setZone({
    'dest.test': { mx: [{ preference: 10, exchange: 'mx.dest.test' }] },
    'mx.dest.test': { a: ['127.0.0.4'] },
  });
});

afterEach(async () => {
  for (const r of running.splice(0)) {
    r.child.kill('SIGKILL');
    await r.exited;
  }
  for (const s of sinks.splice(0)) await s.close();
});

afterAll(async () => {
  await dns?.close();
  for (const d of databases) await d.drop();
});

async function freshDb(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

async function start(env: Record<string, string>): Promise<SpawnedRelay> {
  const relay = await spawnRelay(env);
  running.push(relay);
  return relay;
}

/** Submits from a trusted network (no AUTH needed) and returns the queue id. */
async function submit(port: number, to: string, subject: string): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  const info = await transport.sendMail({ from: 'app@example.org', to, subject, text: `body of ${subject}` });
  return /queued as ([0-9A-F]+)/.exec(info.response)![1]!;
}

function countSubject(sink: SinkMx, subject: string): number {
  return sink.messages.filter((m) => m.body.toString().includes(`Subject: ${subject}\r\n`)).length;
}

describe('durability', () => {
  it('a message answered 250 survives SIGKILL and arrives exactly once after a restart', async () => {
    const db = await freshDb();
    // Port of an MX that is not up yet: the first attempts can only defer.
    const probe = await startSinkMx({ host: '127.0.0.4', cert });
    const mxPort = probe.port;
    await probe.close();
    const env = relayEnv(db, {
      RELAIS_TRUSTED_NETWORKS: '127.0.0.0/8', RELAIS_DNS_SERVERS: dns.address, RELAIS_MX_PORT: String(mxPort),
      RELAIS_LEASE_MS: '2000', RELAIS_RETRY_FIRST_MS: '200', RELAIS_RETRY_MAX_MS: '500',
    });
    const first = await start(env);
    const id = await submit(first.smtpPort, 'accept-kill@dest.test', 'killed');
    first.child.kill('SIGKILL');
    await first.exited;
    running.splice(running.indexOf(first), 1);

    const list = await runCli(['queue', 'list', '--json'], env);
    expect(JSON.parse(list.stdout).map((m: { id: string }) => m.id)).toEqual([id]);

    const sink = await startSinkMx({ host: '127.0.0.4', port: mxPort, cert });
    sinks.push(sink);
    await start(env);
    await sink.waitFor((m) => m.some((x) => x.body.toString().includes('Subject: killed')), 30_000);
    const emptied = async () => JSON.parse((await runCli(['queue', 'list', '--json'], env)).stdout).length === 0;
    await expect.poll(emptied, { timeout: 30_000 }).toBe(true);
    expect(countSubject(sink, 'killed')).toBe(1);
  });

  it('SIGTERM stops accepting, lets the relay exit cleanly, and loses nothing', async () => {
    const db = await freshDb();
    const sink = await startSinkMx({ host: '127.0.0.4', cert, slowDataMs: 1500 });
    sinks.push(sink);
    const env = relayEnv(db, { RELAIS_TRUSTED_NETWORKS: '127.0.0.0/8', RELAIS_DNS_SERVERS: dns.address, RELAIS_MX_PORT: String(sink.port) });
    const relay = await start(env);
    await submit(relay.smtpPort, 'slow-term@dest.test', 'term-1');
    await submit(relay.smtpPort, 'accept-term@dest.test', 'term-2');
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
    running.splice(running.indexOf(relay), 1);
    await expect(submit(relay.smtpPort, 'accept-late@dest.test', 'late')).rejects.toThrow();
    expect(relay.log()).toContain('relais stopped');

    // Whatever was not delivered before the stop is still queued and goes out after a restart.
    await start(env);
    await sink.waitFor((m) => ['term-1', 'term-2'].every((s) => m.some((x) => x.body.toString().includes(`Subject: ${s}`))), 30_000);
    expect(countSubject(sink, 'term-2')).toBe(1);
  });

  it.skipIf(!isPostgres())('two relais processes on one PostgreSQL deliver every message exactly once', async () => {
    const db = await freshDb();
    const sink = await startSinkMx({ host: '127.0.0.4', cert });
    sinks.push(sink);
    const envA = relayEnv(db, { RELAIS_TRUSTED_NETWORKS: '127.0.0.0/8', RELAIS_DNS_SERVERS: dns.address, RELAIS_MX_PORT: String(sink.port) });
    const a = await start(envA);
    // The second node shares the database but not the data directory.
    const b = await start({ ...envA, RELAIS_DATA_DIR: `${db.dataDir}/node-b` });
    const subjects = Array.from({ length: 60 }, (_, i) => `multi-${i}`);
    await Promise.all(subjects.map((s, i) => submit(i % 2 ? a.smtpPort : b.smtpPort, `accept-${i}@dest.test`, s)));
    await sink.waitFor((m) => m.length >= subjects.length, 60_000);
    await expect.poll(() => sink.messages.length, { timeout: 3000 }).toBe(subjects.length);
    for (const s of subjects) expect(countSubject(sink, s), s).toBe(1);
  });
});
