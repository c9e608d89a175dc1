// Live feeds over graphql-ws against a relay fed by real SMTP: delivery
// outcomes (a mail user sees only their own), alerts, queue counters; and
// who may not subscribe at all.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts, ApiTokens } from '../../relay-core/accounts/index.ts';
import { graphql } from '../gql/index.ts';
import { print } from 'graphql';
import { ApiClient, take } from '../support/api-client.ts';
import { startMailWorld, type MailWorld } from '../support/world.ts';

const DeliveryEvents = graphql(`subscription DeliveryEvents { deliveryEvents { outcome domain code enhanced category } }`);
const Alerts = graphql(`subscription Alerts { alerts { kind subject } }`);
const QueueStatsFeed = graphql(`subscription QueueStatsFeed($every: Int) { queueStats(intervalSeconds: $every) { queued deferred held } }`);

let world: MailWorld;
let adminToken: string;

beforeAll(async () => {
  world = await startMailWorld(['127.0.0.11', '127.0.0.12']);
  await new AdminAccounts({ db: world.relay.db }).add('root', 'a long admin password');
  adminToken = (await new ApiTokens({ db: world.relay.db }).create({ name: 'test', scope: 'admin', by: 'test' })).secret;
  await world.relay.users.add('alice', 'alice password', ['alice@example.org']);
  await world.relay.users.add('bob', 'bob password', ['bob@example.org']);
});
afterAll(async () => world?.close());

function send(login: string, from: string, to: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1', port: world.relay.smtpPort, secure: false, requireTLS: true,
    tls: { rejectUnauthorized: false }, auth: { user: login, pass: `${login} password` },
  }).sendMail({ from, to, subject: 'live', text: 'x' });
}

/** Keeps sending until the subscription has what it waits for (a subscriber may register after the first send). */
async function until<T>(results: Promise<T[]>, sendOne: () => Promise<unknown>): Promise<T[]> {
  let done = false;
  void results.finally(() => (done = true));
  for (let i = 0; i < 20 && !done; i++) {
    await sendOne();
    await Promise.race([results, new Promise((r) => setTimeout(r, 300))]);
  }
  return results;
}

describe('subscriptions', () => {
  it('an admin token receives delivery outcomes live, naming the domain and never an address', async () => {
    const admin = new ApiClient(world.relay.httpPort);
    admin.token = adminToken;
    const ws = admin.ws();
    const feed = take<{ deliveryEvents: { outcome: string; domain: string; category: string } }>(ws, print(DeliveryEvents), 1);
    const [first] = await until(feed.results, () => send('alice', 'alice@example.org', 'accept-live@dest.test'));
    expect(first!.deliveryEvents).toMatchObject({ outcome: 'delivered', domain: 'dest.test', category: 'delivered' });
    expect(JSON.stringify(first)).not.toContain('@');
    await ws.dispose();
  });

  it('a mail user sees only their own deliveries', async () => {
    const alice = new ApiClient(world.relay.httpPort);
    await alice.login('alice', 'alice password');
    const ws = alice.ws();
    const seen: string[] = [];
    const stop = ws.subscribe<{ deliveryEvents: { outcome: string } }>({ query: print(DeliveryEvents) }, {
      next: (v) => seen.push(v.data!.deliveryEvents.outcome), error: () => undefined, complete: () => undefined,
    });
    // Alice's own mail until the feed is live; then Bob's bounce, then Alice's again.
    for (let i = 0; i < 20 && seen.length === 0; i++) {
      await send('alice', 'alice@example.org', `accept-alice${i}@dest.test`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const before = seen.length;
    await send('bob', 'bob@example.org', 'unknown-bob@dest.test');
    await world.senderMx.waitFor((m) => m.some((x) => x.rcptTo.includes('bob@example.org')), 20_000);
    await send('alice', 'alice@example.org', 'accept-alice-last@dest.test');
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => seen.length > before && (clearInterval(timer), resolve()), 50);
    });
    expect(seen.every((o) => o === 'delivered')).toBe(true);
    stop();
    await ws.dispose();
  });

  it('alerts reach admins live; anonymous clients and mail users may not subscribe', async () => {
    const admin = new ApiClient(world.relay.httpPort);
    admin.token = adminToken;
    const ws = admin.ws();
    const feed = take<{ alerts: { kind: string; subject: string } }>(ws, print(Alerts), 1);
    const [alert] = await until(feed.results, async () => {
      await world.relay.db.query('delete from alert');
      await send('alice', 'alice@example.org', 'blocked-alert@dest.test');
    });
    expect(alert!.alerts).toEqual({ kind: 'policy-block', subject: 'dest.test' });
    await ws.dispose();

    for (const client of [new ApiClient(world.relay.httpPort), await (async () => {
      const c = new ApiClient(world.relay.httpPort);
      await c.login('alice', 'alice password');
      return c;
    })()]) {
      const refused = client.ws();
      await expect(take(refused, print(Alerts), 1).results).rejects.toThrow(/not authorized/i);
      await refused.dispose();
    }
  });

  it('queue counters arrive every few seconds', async () => {
    const admin = new ApiClient(world.relay.httpPort);
    admin.token = adminToken;
    const ws = admin.ws();
    const updates = await take<{ queueStats: { queued: number; deferred: number; held: number } }>(ws, print(QueueStatsFeed), 2, { every: 2 }).results;
    expect(updates).toHaveLength(2);
    expect(updates[0]!.queueStats).toEqual(expect.objectContaining({ queued: expect.any(Number), held: expect.any(Number) }));
    await ws.dispose();
  });
});
