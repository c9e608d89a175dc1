import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReply } from '../../relay-core/bounces/index.ts';
import { EventBus } from '../../relay-core/events/index.ts';
import { QueueAdmin, QueueService } from '../../relay-core/queue/index.ts';
import { addressHasher } from '../../relay-core/stats/index.ts';
import { openTestDb } from '../support/db.ts';
import { waitFor } from '../support/relay.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let queue: QueueService;
let admin: QueueAdmin;
const body = (subject: string) => Buffer.from(`From: a@example.org\r\nSubject: ${subject}\r\n\r\nhello\r\n`);
const ok = parseReply(250, '2.0.0 Ok: queued');

function makeQueue(nodeId: string, leaseMs = 60_000) {
  return new QueueService({
    db, events: new EventBus(), hashAddress: addressHasher(Buffer.alloc(32, 1)), nodeId, hostname: 'relay.test',
    schedule: { retryFirstMs: 300_000, retryMaxMs: 3_600_000, maxAgeMs: 5 * 86_400_000 }, leaseMs,
  });
}

beforeAll(async () => {
  db = await openTestDb();
  queue = makeQueue('node-a');
  admin = new QueueAdmin({ db });
});
afterAll(async () => db?.drop());

async function drain() {
  await admin.remove({ all: true });
}

describe('queue', () => {
  it('keeps a message and one row per recipient until each is final, then deletes the message', async () => {
    await drain();
    const id = await queue.enqueue({ mailFrom: 'a@example.org', submittedBy: 'alice', rcptTo: ['x@one.test', 'y@two.test'], body: body('1') });
    const listed = await admin.list();
    expect(listed.map((m) => m.id)).toEqual([id]);
    expect(listed[0]!.recipients.map((r) => r.state)).toEqual(['queued', 'queued']);

    const claims = await queue.claimDue(10);
    expect(claims).toHaveLength(2);
    expect(await queue.loadBody(id)).toEqual(body('1'));
    await queue.recordAttempts([{ claim: claims[0]!, reply: ok, mxHost: 'mx.one.test', isTls: true }]);
    expect((await admin.list())[0]!.recipients.map((r) => r.state).sort()).toEqual(['active', 'delivered']);
    await queue.recordAttempts([{ claim: claims[1]!, reply: ok, mxHost: 'mx.two.test', isTls: false }]);
    expect(await admin.list()).toEqual([]);
    expect(await queue.loadBody(id)).toBeNull();
  });

  it('a stale worker whose lease was taken over cannot record a second outcome', async () => {
    await drain();
    const stale = makeQueue('node-stale', 1);
    await queue.enqueue({ mailFrom: 'a@example.org', submittedBy: null, rcptTo: ['z@three.test'], body: body('2') });
    const [old] = await stale.claimDue(10);
    // Claimable again once the 1 ms lease has run out.
    const fresh = await waitFor(async () => (await queue.claimDue(10))[0], 5000, 'the lease to run out');
    expect(fresh!.recipientId).toBe(old!.recipientId);
    expect(fresh!.epoch).toBeGreaterThan(old!.epoch);
    expect(await stale.recordAttempts([{ claim: old!, reply: ok, mxHost: 'mx', isTls: false }])).toBe(0);
    expect((await admin.list())[0]!.recipients[0]!.state).toBe('active');
    expect(await queue.recordAttempts([{ claim: fresh!, reply: ok, mxHost: 'mx', isTls: false }])).toBe(1);
  });

  it('a 4xx defers with a later retry; a 5xx bounces and queues one DSN with a null sender', async () => {
    await drain();
    const id = await queue.enqueue({ mailFrom: 'sender@example.org', submittedBy: null, rcptTo: ['a@four.test', 'b@four.test'], body: body('3') });
    const claims = await queue.claimDue(10);
    const byRcpt = (rcpt: string) => claims.find((c) => c.rcptTo === rcpt)!;
    await queue.recordAttempts([
      { claim: byRcpt('a@four.test'), reply: parseReply(451, '4.7.1 greylisted'), mxHost: 'mx.four.test', isTls: true },
      { claim: byRcpt('b@four.test'), reply: parseReply(550, '5.1.1 <b@four.test>: user unknown'), mxHost: 'mx.four.test', isTls: true },
    ]);
    const [original, dsn] = await admin.list();
    expect(original!.id).toBe(id);
    const deferred = original!.recipients.find((r) => r.rcptTo === 'a@four.test')!;
    expect(deferred.state).toBe('deferred');
    expect(deferred.lastReply).toEqual({ code: 451, enhanced: '4.7.1', text: 'greylisted' });
    expect(deferred.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 200_000);
    expect(dsn!.mailFrom).toBe('');
    expect(dsn!.recipients.map((r) => r.rcptTo)).toEqual(['sender@example.org']);
    const text = (await queue.loadBody(dsn!.id))!.toString();
    expect(text).toContain('report-type=delivery-status');
    expect(text).toContain('Final-Recipient: rfc822; b@four.test');
    expect(text).toContain('Status: 5.1.1');
    expect(text).toContain('Subject: 3');
    expect(text).not.toContain('hello');
  });

  it('never sends a DSN for a bounced DSN or a null-sender message', async () => {
    await drain();
    await queue.enqueue({ mailFrom: '', submittedBy: null, rcptTo: ['gone@five.test'], body: body('4') });
    const claims = await queue.claimDue(10);
    await queue.recordAttempts(claims.map((claim) => ({ claim, reply: parseReply(550, '5.1.1 no'), mxHost: null, isTls: null })));
    expect(await admin.list()).toEqual([]);
  });

  it('held recipients are never claimed until released', async () => {
    await drain();
    const id = await queue.enqueue({ mailFrom: 'a@example.org', submittedBy: null, rcptTo: ['h@six.test'], body: body('5') });
    expect(await admin.hold({ messageId: id })).toBe(1);
    expect(await queue.claimDue(10)).toEqual([]);
    expect(await admin.release({ all: true })).toBe(1);
    expect(await queue.claimDue(10)).toHaveLength(1);
  });

  it('hands a small body out with one claim of its message, and leaves a large one to be read when needed', async () => {
    await drain();
    const large = Buffer.concat([body('big'), Buffer.alloc(200_000, 'x')]);
    await queue.enqueue({ mailFrom: 'a@example.org', submittedBy: null, rcptTo: ['s1@seven.test', 's2@seven.test'], body: body('7') });
    const bigId = await queue.enqueue({ mailFrom: 'a@example.org', submittedBy: null, rcptTo: ['b@seven.test'], body: large });
    const claims = await queue.claimDue(10);
    const small = claims.filter((c) => c.messageId !== bigId);
    expect(small.filter((c) => c.body).map((c) => c.body)).toEqual([body('7')]);
    const big = claims.find((c) => c.messageId === bigId)!;
    expect(big.body).toBeUndefined();
    expect(await queue.loadBody(bigId)).toEqual(large);
  });

  it('records an outcome whose reply text holds SQL-looking characters, and reports it applied', async () => {
    await drain();
    await queue.enqueue({ mailFrom: 'a@example.org', submittedBy: null, rcptTo: ['q@eight.test'], body: body('8') });
    const [claim] = await queue.claimDue(10);
    const hostile = parseReply(451, "4.7.1 try later; drop table message; -- ' \" ?");
    expect(await queue.recordAttempts([{ claim: claim!, reply: hostile, mxHost: 'mx;1', isTls: false }])).toBe(1);
    const [r] = (await admin.list())[0]!.recipients;
    expect(r!.lastReply).toEqual(hostile);
    expect(r!.lastMx).toBe('mx;1');
  });

  it('rejects a message without recipients and keeps nothing of it', async () => {
    await drain();
    await expect(queue.enqueue({ mailFrom: 'a@example.org', submittedBy: null, rcptTo: [], body: body('6') })).rejects.toThrow(/recipient/);
    expect(await admin.list()).toEqual([]);
  });

  it('keeps counters per sender and per recipient hash, never naming both in one row', async () => {
    const senders = await db.query<Record<string, unknown>>('select * from sender_stat');
    const recipients = await db.query<Record<string, unknown>>('select * from recipient_stat');
    expect(senders.length).toBeGreaterThan(0);
    expect(JSON.stringify(recipients)).not.toMatch(/@/);
    const attempts = await db.query<Record<string, unknown>>('select * from attempt');
    expect(JSON.stringify(attempts)).not.toMatch(/example\.org/);
  });
});
