// A compromised account, live: a user whose learned baseline is about one
// message an hour sends twenty times that through real SMTP. The relay raises
// a spike alert, holds the user (451 4.7.1 at MAIL FROM, its queued mail held,
// not delivered, not dropped), leaves another user alone, and delivers the
// held mail once an admin releases the sender with `relais sender release`.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens } from '../../relay-core/accounts/index.ts';
import { openDb } from '../../relay-core/db/index.ts';
import type { RelayEvent } from '../../relay-core/events/index.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { ApiClient, take } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { relayEnv, runCli, startTestRelay, waitFor } from '../support/relay.ts';
import { generateSinkCert, startSinkMx, type SinkMx } from '../support/sink-mx.ts';

const MX_HOST = '127.0.0.21';
const HOUR = 3_600_000;
let db: TestDatabase;
let dns: TestDnsServer;
let mx: SinkMx;
let relay: RunningRelay;
let env: Record<string, string>;
/** While true the MX defers everything: mail stays in the queue where a hold can find it. */
let isMxDeferring = true;
const raised: RelayEvent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // Alice's history, as a relay that has watched her for a while would have learned it.
  const seed = await openDb({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
  await seed.migrate();
  await seed.query(
    `insert into sender_baseline (sender_key, hours, learned_through, volume_mean, volume_dev, volume_peak, domains_mean, domains_dev, domains_peak)
     values ('alice', 300, ?, 1, 0.5, 2, 1, 0.3, 1)`,
    [new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR)],
  );
  await seed.close();
  dns = await startDnsServer();
  mx = await startSinkMx({
    host: MX_HOST, cert: await generateSinkCert(),
    answerFor: () => (isMxDeferring ? { code: 451, text: '4.3.0 Try again later' } : null),
  });
  dns.setZone({ 'dest.test': { mx: [{ preference: 10, exchange: 'mx.dest.test' }] }, 'mx.dest.test': { a: [MX_HOST] } });
  const overrides = {
    RELAIS_DNS_SERVERS: dns.address, RELAIS_MX_PORT: String(mx.port),
    RELAIS_ANOMALY_MIN_MESSAGES: '20', RELAIS_ANOMALY_FLUSH_INTERVAL_MS: '200',
  };
  env = relayEnv(db, overrides);
  relay = await startTestRelay(db, overrides);
  relay.events.subscribe((e) => e.type === 'alert.raised' && raised.push(e));
  await relay.users.add('alice', 'alice password', ['alice@example.org']);
  await relay.users.add('bob', 'bob password', ['bob@example.org']);
});

afterAll(async () => {
  await relay?.stop();
  await Promise.all([mx?.close(), dns?.close()]);
  await db?.drop();
});

function client(user: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1', port: relay.smtpPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false },
    auth: { user, pass: `${user} password` },
  });
}

async function recipientStates(login: string): Promise<string[]> {
  return (await relay.admin.list({ submittedBy: login })).flatMap((m) => m.recipients.map((r) => r.state));
}

describe('a traffic spike from one account', () => {
  it('is held at once: 451 4.7.1 with the numbers, one alert over the websocket, its queued mail held', async () => {
    // An admin console watching the alerts feed over graphql-ws.
    const watcher = new ApiClient(relay.httpPort);
    watcher.token = (await new ApiTokens({ db: relay.db }).create({ name: 'console', scope: 'read', by: 'test' })).secret;
    const ws = watcher.ws();
    const live = take<{ alerts: { kind: string; subject: string } }>(ws, 'subscription { alerts { kind subject } }', 1);
    await live.ready;
    await new Promise((r) => setTimeout(r, 200));
    const alice = client('alice');
    for (let i = 0; i < 20; i++) {
      const info = await alice.sendMail({ from: 'alice@example.org', to: `rcpt-${i}@dest.test`, subject: `spam ${i}`, text: 'buy now' });
      expect(info.response).toMatch(/^250 2\.0\.0 queued as/);
    }
    const refused = await alice.sendMail({ from: 'alice@example.org', to: 'rcpt-20@dest.test', text: 'buy now' }).then(
      () => null,
      (e: Error & { responseCode?: number; response?: string }) => e,
    );
    expect(refused?.responseCode).toBe(451);
    expect(refused?.response).toBe(
      '451 4.7.1 Sending paused: unusual volume from this account (20 messages in 10 minutes, usual about 1 per hour); contact your provider',
    );

    const alerts = await waitFor(async () => {
      const rows = await relay.db.query<{ subject: string; detail: Record<string, unknown> }>("select subject, detail from alert where kind = 'spike'");
      return rows.length ? rows : null;
    }, 20_000, 'the spike alert');
    expect(alerts).toMatchObject([{ subject: 'alice', detail: { signal: 'volume', messages: 20, usualPerHour: 1, action: 'hold' } }]);
    await waitFor(() => raised.length > 0, 20_000, 'alert.raised');
    expect(raised).toMatchObject([{ type: 'alert.raised', payload: { kind: 'spike', subject: 'alice' } }]);
    expect(await live.results).toEqual([{ alerts: { kind: 'spike', subject: 'alice' } }]);
    await ws.dispose();
    await waitFor(async () => {
      const states = await recipientStates('alice');
      return states.length === 20 && states.every((s) => s === 'held');
    }, 20_000, 'all of alice\'s queued mail to be held');
  });

  it('leaves another user alone, delivers its mail, and keeps the held mail from the MX', async () => {
    const info = await client('bob').sendMail({ from: 'bob@example.org', to: 'friend@dest.test', subject: 'hello', text: 'hi' });
    expect(info.response).toMatch(/^250 /);
    isMxDeferring = false;
    await mx.waitFor((messages) => messages.some((m) => m.mailFrom === 'bob@example.org'), 20_000);
    expect(mx.messages.filter((m) => m.mailFrom === 'alice@example.org')).toEqual([]);
    expect(await recipientStates('alice')).toEqual(Array(20).fill('held'));
    expect(await relay.db.query("select sender_key from sender_hold where released_at is null")).toEqual([{ sender_key: 'alice' }]);
  });

  it('is released by `relais sender release`: the held mail is delivered and the user may send again', async () => {
    const list = await runCli(['sender', 'list'], env);
    expect(list.stdout).toMatch(/^alice {2}held since .* \(traffic spike\): unusual volume from this account \(20 messages in 10 minutes/);
    const unknown = await runCli(['sender', 'release', 'mallory'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('relais sender release: mallory is not held');

    const release = await runCli(['sender', 'release', 'alice'], env);
    expect(release.code, release.stderr).toBe(0);
    expect(release.stdout).toContain('alice released; 20 recipient(s) released from hold');
    await mx.waitFor((messages) => messages.filter((m) => m.mailFrom === 'alice@example.org').length === 20, 30_000);
    // Written straight to PostgreSQL, the release reaches the running relay at its next tick.
    await waitFor(async () => {
      try {
        return Boolean(await client('alice').sendMail({ from: 'alice@example.org', to: 'again@dest.test', text: 'sorry' }));
      } catch {
        return false;
      }
    }, 15_000, 'alice to be allowed again');
  });
});
