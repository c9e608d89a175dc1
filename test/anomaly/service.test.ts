// AnomalyService against a real database and the real queue, users and stats:
// baselines learned over simulated hours (an injected clock), spikes recorded
// with their alert and hold, throttling, bounce rates, quotas, several nodes,
// and hostile input.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnomalyError, AnomalyService, type AnomalySettings } from '../../relay-core/anomaly/index.ts';
import { UserService } from '../../relay-core/auth/index.ts';
import { EventBus, type RelayEvent } from '../../relay-core/events/index.ts';
import { silentLogger } from '../../relay-core/log.ts';
import { QueueAdmin, QueueService } from '../../relay-core/queue/index.ts';
import { addressHasher, StatsReport } from '../../relay-core/stats/index.ts';
import { openTestDb } from '../support/db.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let queue: QueueService;
let admin: QueueAdmin;
let users: UserService;
const events = new EventBus();

const SETTINGS: AnomalySettings = {
  action: 'hold', windowMinutes: 10, factor: 4, minMessages: 20, baselineHours: 168, bounceRate: 0.3, minBounceSample: 20,
  distinctDomainsFactor: 4, minDistinctDomains: 50, flushIntervalMs: 15_000,
};
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** An hour boundary; the clock the services read. */
const T0 = Date.UTC(2026, 10, 2, 0, 0);
const clock = { at: T0 };

function service(settings: Partial<AnomalySettings> = {}, nodeId = 'node-a', outcomes?: StatsReport): AnomalyService {
  return new AnomalyService({
    db, events, queue: admin, users, outcomes, settings: { ...SETTINGS, ...settings }, log: silentLogger, nodeId, now: () => clock.at,
  });
}

/** Queues one message the way submission does, then tells the gate. */
async function submit(svc: AnomalyService, login: string | null, mailFrom: string, rcptTo = ['someone@dest.test']): Promise<string> {
  const id = await queue.enqueue({ mailFrom, submittedBy: login, rcptTo, body: Buffer.from('Subject: x\r\n\r\nhello\r\n') });
  svc.accepted({ login, mailFrom, rcptTo });
  return id;
}

async function errorOf(promise: Promise<unknown>): Promise<AnomalyError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AnomalyError);
  return err as AnomalyError;
}

const statesOf = async (filter: Parameters<QueueAdmin['list']>[0]) => (await admin.list(filter)).flatMap((m) => m.recipients.map((r) => r.state));

beforeAll(async () => {
  db = await openTestDb();
  queue = new QueueService({
    db, events, hashAddress: addressHasher(Buffer.alloc(32, 3)), nodeId: 'queue', hostname: 'relay.test',
    schedule: { retryFirstMs: 300_000, retryMaxMs: 3_600_000, maxAgeMs: 5 * 86_400_000 }, leaseMs: 60_000,
  });
  admin = new QueueAdmin({ db });
  users = new UserService({ db });
});
afterAll(async () => db?.drop());
beforeEach(async () => {
  clock.at = T0;
  for (const table of ['sender_volume', 'sender_baseline', 'sender_hold', 'alert', 'event', 'message', 'smtp_user', 'sender_stat']) {
    await db.query(`delete from ${table}`);
  }
});

describe('baselines', () => {
  it('learns a sender\'s hourly volume over simulated hours, quiet ones too, and a restarted service judges by it', async () => {
    const first = service();
    for (let h = 0; h < 24; h++) {
      for (let i = 0; i < 40; i++) {
        clock.at = T0 + h * HOUR + i * MINUTE;
        first.accepted({ login: 'alice', mailFrom: 'alice@example.org', rcptTo: ['a@dest.test'] });
      }
      clock.at = T0 + (h + 1) * HOUR + 2 * MINUTE;
      await first.tick();
    }
    const [row] = await db.query<{ hours: number; volume_mean: number; volume_dev: number; volume_peak: number; domains_mean: number }>(
      "select * from sender_baseline where sender_key = 'alice'",
    );
    expect(Number(row!.hours)).toBe(24);
    expect(Number(row!.volume_mean)).toBeCloseTo(40, 5);
    expect(Number(row!.volume_dev)).toBeCloseTo(40 / 24, 5);
    expect(Number(row!.volume_peak)).toBe(40);
    expect(Number(row!.domains_mean)).toBeCloseTo(1, 5);
    await first.stop();

    clock.at = T0 + 27 * HOUR + 2 * MINUTE;
    const restarted = service({}, 'node-b');
    await restarted.tick();
    const [faded] = await db.query<{ hours: number; volume_mean: number }>("select hours, volume_mean from sender_baseline where sender_key = 'alice'");
    expect(Number(faded!.hours)).toBe(27);
    expect(Number(faded!.volume_mean)).toBeLessThan(40);
    await restarted.tick();

    // 30 in ten minutes is usual for alice (about 40 an hour), not for a sender with no history.
    for (let i = 0; i < 30; i++) await submit(restarted, 'alice', 'alice@example.org');
    expect(restarted.check({ login: 'alice', mailFrom: 'alice@example.org', client: '127.0.0.1' })).toBeNull();
    for (let i = 0; i < 20; i++) await submit(restarted, 'newbie', 'newbie@example.org');
    expect(restarted.check({ login: 'newbie', mailFrom: 'newbie@example.org', client: '127.0.0.1' })).toEqual({
      code: 451, text: '4.7.1 Sending paused: unusual volume from this account (20 messages in 10 minutes, usually none); contact your provider',
    });
    await restarted.stop();
  });
});

describe('spikes', () => {
  it('holds a spiking sender: alert and event once, 451 at MAIL FROM, queued mail held; a release resumes it', async () => {
    const raised: RelayEvent[] = [];
    const unsubscribe = events.subscribe((e) => e.type === 'alert.raised' && raised.push(e));
    await db.query(
      `insert into sender_baseline (sender_key, hours, learned_through, volume_mean, volume_dev, volume_peak, domains_mean, domains_dev, domains_peak)
       values ('mallory', 100, ?, 1, 0.5, 2, 1, 0.2, 1)`,
      [new Date(T0 - HOUR)],
    );
    const svc = service();
    await svc.tick();
    await submit(svc, 'olive', 'olive@example.org');
    for (let i = 0; i < 20; i++) await submit(svc, 'mallory', 'mallory@example.org');
    expect(svc.check({ login: 'mallory', mailFrom: 'mallory@example.org', client: '127.0.0.1' })).toEqual({
      code: 451, text: '4.7.1 Sending paused: unusual volume from this account (20 messages in 10 minutes, usual about 1 per hour); contact your provider',
    });
    expect(svc.check({ login: 'olive', mailFrom: 'olive@example.org', client: '127.0.0.1' })).toBeNull();
    await svc.tick();

    const alerts = await db.query<{ kind: string; subject: string; detail: Record<string, unknown> }>('select kind, subject, detail from alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'spike', subject: 'mallory', detail: { signal: 'volume', messages: 20, usualPerHour: 1, limit: 20, action: 'hold' } });
    expect(raised).toEqual([{ type: 'alert.raised', payload: { alertId: expect.any(String), kind: 'spike', subject: 'mallory' } }]);
    expect(await statesOf({ submittedBy: 'mallory' })).toEqual(Array(20).fill('held'));
    expect(await statesOf({ submittedBy: 'olive' })).toEqual(['queued']);
    expect(await svc.holds()).toMatchObject([{ key: 'mallory', source: 'spike', heldBy: 'relais', releasedAt: null }]);

    const released = await svc.release('Mallory', 'test');
    expect(released.recipients).toBe(20);
    expect(await statesOf({ submittedBy: 'mallory' })).toEqual(Array(20).fill('queued'));
    expect(svc.check({ login: 'mallory', mailFrom: 'mallory@example.org', client: '127.0.0.1' })).toBeNull();
    expect(await svc.holds()).toEqual([]);
    expect((await svc.holds({ includeReleasedSince: new Date(T0 - HOUR) }))[0]).toMatchObject({ key: 'mallory', releasedBy: 'test' });

    // Judged by an admin: not held again for a while, and no second alert this hour.
    for (let i = 0; i < 25; i++) await submit(svc, 'mallory', 'mallory@example.org');
    await svc.tick();
    expect(svc.check({ login: 'mallory', mailFrom: 'mallory@example.org', client: '127.0.0.1' })).toBeNull();
    expect(await db.query('select id from alert')).toHaveLength(1);
    unsubscribe();
    await svc.stop();
  });

  it('throttles instead when asked: 451 while over the usual rate, nothing held, sending again once the window moved on', async () => {
    const svc = service({ action: 'throttle' });
    await svc.tick();
    for (let i = 0; i < 20; i++) await submit(svc, 'trent', 'trent@example.org');
    expect(svc.check({ login: 'trent', mailFrom: 'trent@example.org', client: '127.0.0.1' })?.text).toBe(
      '4.7.1 Sending slowed down: unusual volume from this account (20 messages in 10 minutes, usually none); try again later',
    );
    await svc.tick();
    expect(await db.query('select id from sender_hold')).toEqual([]);
    expect(await statesOf({ submittedBy: 'trent' })).toEqual(Array(20).fill('queued'));
    expect(await db.query("select subject from alert where kind = 'spike'")).toEqual([{ subject: 'trent' }]);
    clock.at += 11 * MINUTE;
    expect(svc.check({ login: 'trent', mailFrom: 'trent@example.org', client: '127.0.0.1' })).toBeNull();
    await svc.stop();
  });

  it('only alerts when the action is alert', async () => {
    const svc = service({ action: 'alert' });
    for (let i = 0; i < 20; i++) await submit(svc, 'uma', 'uma@example.org');
    await svc.tick();
    expect(svc.check({ login: 'uma', mailFrom: 'uma@example.org', client: '127.0.0.1' })).toBeNull();
    expect(await db.query("select subject from alert where kind = 'spike'")).toEqual([{ subject: 'uma' }]);
    expect(await db.query('select id from sender_hold')).toEqual([]);
    await svc.stop();
  });

  it('holds a sender whose recent recipients bounce too often, read from the per-sender counters', async () => {
    clock.at = Date.now();
    await db.query(
      "insert into sender_stat (sender, bucket, received, delivered, bounced) values ('pat@example.org', date_trunc('hour', now()), 22, 10, 12)",
    );
    const svc = service({}, 'node-a', new StatsReport({ db }));
    await submit(svc, 'pat', 'Pat@example.org');
    await svc.tick();
    expect(svc.check({ login: 'pat', mailFrom: 'pat@example.org', client: '127.0.0.1' })?.text).toBe(
      '4.7.1 Sending paused: too many bounces from this account (12 of 22 recipients in the last 2 hours); contact your provider',
    );
    expect((await db.query<{ detail: Record<string, unknown> }>('select detail from alert'))[0]!.detail).toMatchObject({ signal: 'bounceRate', rate: 12 / 22 });
    await svc.stop();
  });

  it('keys mail without AUTH by its envelope sender, and holds only that sender\'s unauthenticated mail', async () => {
    const svc = service();
    await submit(svc, 'victor', 'victor@example.org');
    for (let i = 0; i < 20; i++) await submit(svc, null, 'Victor@Example.org');
    await svc.tick();
    expect(svc.check({ login: null, mailFrom: 'victor@example.org', client: '192.0.2.1' })?.text).toMatch(/^4\.7\.1 Sending paused: unusual volume/);
    expect(svc.check({ login: 'victor', mailFrom: 'victor@example.org', client: '192.0.2.1' })).toBeNull();
    expect(await statesOf({ submittedBy: null })).toEqual(Array(20).fill('held'));
    expect(await statesOf({ submittedBy: 'victor' })).toEqual(['queued']);
    expect((await svc.holds())[0]!.key).toBe('from:victor@example.org');
    await svc.stop();
  });
});

describe('quotas', () => {
  it('refuses a user past its hourly quota with 451 4.7.1, holds nothing, and lets it send the next hour', async () => {
    await users.add('quinn', 'pw', ['quinn@example.org']);
    expect(await users.setQuotas('quinn', { perHour: 3 })).toBe(true);
    const svc = service();
    await svc.tick();
    for (let i = 0; i < 3; i++) await submit(svc, 'quinn', 'quinn@example.org');
    expect(svc.check({ login: 'quinn', mailFrom: 'quinn@example.org', client: '127.0.0.1' })).toEqual({
      code: 451, text: '4.7.1 Hourly quota of 3 messages reached; try again later',
    });
    clock.at += HOUR;
    expect(svc.check({ login: 'quinn', mailFrom: 'quinn@example.org', client: '127.0.0.1' })).toBeNull();
    expect(await db.query('select id from sender_hold')).toEqual([]);
    await svc.stop();
  });
});

describe('several nodes', () => {
  it('adds up what each node counted', async () => {
    await users.add('rita', 'pw', ['rita@example.org']);
    await users.setQuotas('rita', { perDay: 30 });
    const a = service({}, 'node-a');
    const b = service({}, 'node-b');
    for (let i = 0; i < 15; i++) await submit(a, 'rita', 'rita@example.org');
    for (let i = 0; i < 4; i++) await submit(b, 'rita', 'rita@example.org');
    await a.tick();
    await b.tick();
    expect(b.check({ login: 'rita', mailFrom: 'rita@example.org', client: '127.0.0.1' })).toBeNull();
    await submit(b, 'rita', 'rita@example.org');
    expect(b.check({ login: 'rita', mailFrom: 'rita@example.org', client: '127.0.0.1' })?.text).toMatch(/\(20 messages in 10 minutes/);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a release made elsewhere (the CLI, another node) reaches a running service at its next tick', async () => {
    const running = service({}, 'node-a');
    for (let i = 0; i < 20; i++) await submit(running, 'sam', 'sam@example.org');
    await running.tick();
    const cli = service({}, 'cli');
    expect((await cli.release('sam', 'cli')).recipients).toBe(20);
    await running.tick();
    expect(running.check({ login: 'sam', mailFrom: 'sam@example.org', client: '127.0.0.1' })).toBeNull();
    expect(await statesOf({ submittedBy: 'sam' })).toEqual(Array(20).fill('queued'));
    await running.stop();
  });

  it('writes counts only: no table of its own names a recipient or a destination domain', async () => {
    const svc = service();
    for (let i = 0; i < 20; i++) await submit(svc, 'wendy', 'wendy@example.org', [`someone@secret-${i}.test`]);
    await svc.tick();
    for (const table of ['sender_volume', 'sender_baseline', 'sender_hold', 'alert']) {
      expect(JSON.stringify(await db.query(`select * from ${table}`))).not.toContain('secret-');
    }
    await svc.stop();
  });
});

describe('hostile input', () => {
  it('refuses bad sender keys and reasons, unknown releases and double holds with clear errors', async () => {
    const svc = service();
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => svc.release('nobody', 'cli'), 'NOT_FOUND', /^nobody is not held$/],
      [() => svc.release('alice\r\nRCPT TO:<x@example.org>', 'cli'), 'INVALID_INPUT', /bad sender/],
      [() => svc.hold('from:bob @example.org', 'spam', 'cli'), 'INVALID_INPUT', /after "from:"/],
      [() => svc.hold('from:bob@example.org\u0000', 'spam', 'cli'), 'INVALID_INPUT', /after "from:"/],
      [() => svc.hold('bob', 'spam\r\n250 2.0.0 ok', 'cli'), 'INVALID_INPUT', /line breaks/],
      [() => svc.hold('bob', '   ', 'cli'), 'INVALID_INPUT', /reason is required/],
      [() => svc.hold('bob', 'x'.repeat(201), 'cli'), 'INVALID_INPUT', /longer than 200/],
      [() => svc.hold('x'.repeat(500), 'spam', 'cli'), 'INVALID_INPUT', /bad sender/],
    ];
    for (const [run, code, message] of cases) {
      const err = await errorOf(run());
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
    }
    expect((await svc.hold('login:Bob', 'phishing reported', 'cli')).hold.key).toBe('bob');
    expect((await errorOf(svc.hold('bob', 'again', 'cli'))).code).toBe('CONFLICT');
    expect(svc.check({ login: 'bob', mailFrom: 'bob@example.org', client: '127.0.0.1' })?.text).toBe(
      '4.7.1 Sending paused: phishing reported; contact your provider',
    );
    await svc.stop();
  });
});
