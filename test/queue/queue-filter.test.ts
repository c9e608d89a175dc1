// QueueAdmin's filters and cursor pages: what an admin API (and the anomaly
// holds) select the queue by.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../relay-core/events/index.ts';
import { QueueAdmin, QueueError, QueueService } from '../../relay-core/queue/index.ts';
import { addressHasher } from '../../relay-core/stats/index.ts';
import { openTestDb } from '../support/db.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let queue: QueueService;
let admin: QueueAdmin;

beforeAll(async () => {
  db = await openTestDb();
  queue = new QueueService({
    db, events: new EventBus(), hashAddress: addressHasher(Buffer.alloc(32, 5)), nodeId: 'node-a', hostname: 'relay.test',
    schedule: { retryFirstMs: 300_000, retryMaxMs: 3_600_000, maxAgeMs: 5 * 86_400_000 }, leaseMs: 60_000,
  });
  admin = new QueueAdmin({ db });
});
afterAll(async () => db?.drop());
beforeEach(async () => {
  await admin.remove({ all: true });
});

const enqueue = (mailFrom: string, submittedBy: string | null, rcptTo: string[]) =>
  queue.enqueue({ mailFrom, submittedBy, rcptTo, body: Buffer.from('Subject: x\r\n\r\nx\r\n') });
const ids = async (options: Parameters<QueueAdmin['list']>[0]) => (await admin.list(options)).map((m) => m.id);

describe('queue filters', () => {
  it('lists by envelope sender, submitting user or none, recipient domain, state and age, each message with all its recipients', async () => {
    const a = await enqueue('alice@example.org', 'alice', ['x@one.test', 'y@two.test']);
    const b = await enqueue('bob@example.org', 'bob', ['z@one.test']);
    const c = await enqueue('Relay@Example.org', null, ['w@two.test']);
    await db.query("update message set received_at = now() - interval '2 hours' where id = ?", [a]);

    expect(await ids({ sender: 'relay@EXAMPLE.org' })).toEqual([c]);
    expect(await ids({ submittedBy: 'Alice' })).toEqual([a]);
    expect(await ids({ submittedBy: null })).toEqual([c]);
    expect(await ids({ domain: 'ONE.test' })).toEqual([a, b]);
    expect((await admin.list({ domain: 'two.test', submittedBy: 'alice' }))[0]!.recipients.map((r) => r.rcptTo)).toEqual(['x@one.test', 'y@two.test']);
    expect(await ids({ olderThanMs: 3_600_000 })).toEqual([a]);
    expect(await ids({ olderThanMs: 3 * 3_600_000 })).toEqual([]);
    expect(await ids({ state: 'held' })).toEqual([]);
    expect(await ids({ sender: '' })).toEqual([]);
  });

  it('pages through the queue in arrival order, and goes on after a cursor whose message has left', async () => {
    const all: string[] = [];
    for (let i = 0; i < 5; i++) all.push(await enqueue('a@example.org', 'alice', [`r${i}@one.test`]));
    expect(await ids({ limit: 2 })).toEqual(all.slice(0, 2));
    expect(await ids({ limit: 2, after: all[1] })).toEqual(all.slice(2, 4));
    expect(await ids({ limit: 10, after: all[4] })).toEqual([]);
    await admin.remove({ messageId: all[3]! });
    const next = await ids({ limit: 10, after: all[3] });
    expect(next).toContain(all[4]);
    expect(next).not.toContain(all[0]);
    expect(next).not.toContain(all[3]);
    expect(await ids({ limit: 10, after: all[1]!.toLowerCase(), submittedBy: 'alice', domain: 'one.test' })).toEqual([all[2], all[4]]);
  });

  it('holds, releases, retries and deletes in bulk by filter; a domain filter touches only that domain\'s recipients', async () => {
    const a = await enqueue('alice@example.org', 'alice', ['x@one.test', 'y@two.test']);
    const b = await enqueue('bob@example.org', 'bob', ['z@one.test']);
    const c = await enqueue('relay@example.org', null, ['w@two.test']);
    expect(await admin.hold({ filter: { domain: 'one.test' } })).toBe(2);
    const states = async (id: string) => (await admin.list({ messageId: id }))[0]!.recipients.map((r) => `${r.rcptTo}:${r.state}`);
    expect(await states(a)).toEqual(['x@one.test:held', 'y@two.test:queued']);
    expect(await admin.release({ filter: { submittedBy: 'alice' } })).toBe(1);
    expect(await states(a)).toEqual(['x@one.test:queued', 'y@two.test:queued']);
    expect(await admin.hold({ filter: { sender: 'RELAY@example.org', submittedBy: null } })).toBe(1);
    expect(await admin.retry({ filter: { state: 'held' } })).toBe(0);
    expect(await admin.retry({ filter: { submittedBy: 'alice' } })).toBe(2);
    expect(await ids({ state: 'held' })).toEqual([b, c]);
    expect(await admin.remove({ filter: { submittedBy: 'bob' } })).toBe(1);
    expect(await admin.remove({ filter: { domain: 'nowhere.test' } })).toBe(0);
    expect(await ids({})).toEqual([a, c]);
  });

  it('refuses a bad limit, cursor, age or state with QueueError', async () => {
    const cases: (() => Promise<unknown>)[] = [
      () => admin.list({ limit: 0 }),
      () => admin.list({ limit: 10_001 }),
      () => admin.list({ after: "x' or 1=1 --" }),
      () => admin.list({ state: 'gone' as never }),
      () => admin.hold({ filter: { olderThanMs: -1 } }),
      () => admin.remove({ filter: { olderThanMs: Number.NaN } }),
    ];
    for (const run of cases) {
      const err = await run().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(QueueError);
      expect((err as QueueError).code).toBe('INVALID_INPUT');
    }
  });
});
