import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db.ts';
import { addressHasher } from '../stats/index.ts';
import { SuppressionError, SuppressionService, type EvidenceInput, type SuppressionRules } from './index.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
const hash = addressHasher(randomBytes(32));
const DAY_MS = 86_400_000;
const DEFAULT_RULES: SuppressionRules = { hardBounces: 1, softBounces: 5, softWindowDays: 7, complaints: 1, expiryDays: 90 };
const started: SuppressionService[] = [];

/** A clock the test moves by hand. */
function testClock(start = '2026-12-01T12:00:00Z') {
  const clock = { ms: Date.parse(start), now: () => new Date(clock.ms), advanceDays: (days: number) => (clock.ms += days * DAY_MS) };
  return clock;
}

function relay(options: { rules?: Partial<SuppressionRules>; clock?: ReturnType<typeof testClock>; refreshMs?: number } = {}) {
  const clock = options.clock ?? testClock();
  const service = new SuppressionService({
    db, hashAddress: hash, rules: { ...DEFAULT_RULES, ...options.rules }, now: clock.now, refreshMs: options.refreshMs,
  });
  return { service, clock };
}

/** What the queue does after an attempt: evidence in its transaction, remember() after the commit. */
async function bounce(service: SuppressionService, address: string, kind: EvidenceInput['kind'], category: string, enhanced: string | null = null) {
  const created = await db.transaction((tx) => service.recordEvidence(tx, [{ recipientHash: hash(address), kind, category, enhanced }]));
  service.remember(created);
  return created;
}

const anyone = { login: null, mailFrom: 'shop@example.com' };

async function until(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function rowCounts() {
  const [row] = await db.query<{ s: number; e: number }>(
    'select (select count(*)::int from suppression) as s, (select count(*)::int from bounce_evidence) as e',
  );
  return row!;
}

beforeAll(async () => {
  db = await openTestDb();
});
beforeEach(async () => {
  await db.query('delete from suppression');
  await db.query('delete from bounce_evidence');
});
afterEach(() => {
  for (const s of started.splice(0)) s.stop();
});
afterAll(async () => db?.drop());

describe('thresholds', () => {
  it('one hard bounce suppresses a recipient for every sender by default, for 90 days, keeping no plaintext address', async () => {
    const { service, clock } = relay();
    const [entry] = await bounce(service, 'Bob@Example.ORG', 'hard', 'invalid-recipient', '5.1.1');
    expect(entry).toMatchObject({
      recipientHash: hash('bob@example.org'), address: null, scope: '', source: 'hard-bounce',
      reason: '1 hard bounce, last 5.1.1 (invalid-recipient)', createdBy: null,
    });
    expect(entry!.expiresAt!.getTime()).toBe(clock.ms + 90 * DAY_MS);
    expect(service.match('bob@example.org', anyone)?.source).toBe('hard-bounce');
    expect(service.match('BOB@example.org', { login: 'alice', mailFrom: 'alice@elsewhere.test' })?.id).toBe(entry!.id);
    expect(service.match('other@example.org', anyone)).toBeNull();
    expect(await db.query('select address from suppression')).toEqual([{ address: null }]);
  });

  it('four soft bounces within the window do not suppress; the fifth does', async () => {
    const { service, clock } = relay();
    for (let i = 0; i < 4; i++) {
      expect(await bounce(service, 'full@example.org', 'soft', 'mailbox-full', '4.2.2')).toEqual([]);
      clock.advanceDays(1);
    }
    expect(service.match('full@example.org', anyone)).toBeNull();
    const [entry] = await bounce(service, 'full@example.org', 'soft', 'mailbox-full', '5.2.2');
    expect(entry).toMatchObject({ source: 'soft-bounce', reason: '5 soft bounces within 7 days (mailbox-full)', address: null });
    expect(service.match('full@example.org', anyone)?.id).toBe(entry!.id);
  });

  it('soft bounces spread over more than the window never add up', async () => {
    const { service, clock } = relay();
    for (let i = 0; i < 10; i++) {
      expect(await bounce(service, 'slow@example.org', 'soft', 'mailbox-full')).toEqual([]);
      clock.advanceDays(2);
    }
    expect(service.match('slow@example.org', anyone)).toBeNull();
  });

  it('a delivery clearing soft evidence (as the queue does) starts the count again', async () => {
    const { service } = relay();
    for (let i = 0; i < 4; i++) await bounce(service, 'flaky@example.org', 'soft', 'mailbox-full');
    // The queue's outcome statement, on a successful delivery to that recipient:
    await db.query("delete from bounce_evidence where kind = 'soft' and recipient_hash in (?)", [[hash('flaky@example.org')]]);
    expect(await bounce(service, 'flaky@example.org', 'soft', 'mailbox-full')).toEqual([]);
    for (let i = 0; i < 3; i++) await bounce(service, 'flaky@example.org', 'soft', 'mailbox-full');
    expect(service.match('flaky@example.org', anyone)).toBeNull();
    expect(await bounce(service, 'flaky@example.org', 'soft', 'mailbox-full')).toHaveLength(1);
  });

  it('a complaint suppresses at once', async () => {
    const { service } = relay();
    const [entry] = await bounce(service, 'annoyed@example.org', 'complaint', 'abuse');
    expect(entry).toMatchObject({ source: 'complaint', reason: 'complaint (abuse report)', address: null });
    expect(service.match('annoyed@example.org', anyone)?.source).toBe('complaint');
  });

  it('rules of 0 never suppress, yet the evidence is kept', async () => {
    const { service } = relay({ rules: { hardBounces: 0, softBounces: 0, complaints: 0 } });
    for (let i = 0; i < 3; i++) await bounce(service, 'never@example.org', 'hard', 'invalid-recipient', '5.1.1');
    for (let i = 0; i < 10; i++) await bounce(service, 'never@example.org', 'soft', 'mailbox-full');
    await bounce(service, 'never@example.org', 'complaint', 'abuse');
    expect(service.match('never@example.org', anyone)).toBeNull();
    expect(await rowCounts()).toEqual({ s: 0, e: 14 });
  });

  it('each relay applies its own rules: 3 soft bounces suppress on one, 20 are needed on another', async () => {
    const strict = relay({ rules: { softBounces: 3 } }).service;
    const lenient = relay({ rules: { softBounces: 20 } }).service;
    for (let i = 0; i < 2; i++) expect(await bounce(strict, 'a@example.org', 'soft', 'mailbox-full')).toEqual([]);
    expect((await bounce(strict, 'a@example.org', 'soft', 'mailbox-full'))[0]?.reason).toBe('3 soft bounces within 7 days (mailbox-full)');
    for (let i = 0; i < 19; i++) expect(await bounce(lenient, 'b@example.org', 'soft', 'mailbox-full')).toEqual([]);
    expect(await bounce(lenient, 'b@example.org', 'soft', 'mailbox-full')).toHaveLength(1);
  });

  it('counts hard bounces over the last expiryDays only, and names the last one', async () => {
    const { service, clock } = relay({ rules: { hardBounces: 2, expiryDays: 30 } });
    expect(await bounce(service, 'gone@example.org', 'hard', 'mailbox-disabled', '5.2.1')).toEqual([]);
    clock.advanceDays(31);
    expect(await bounce(service, 'gone@example.org', 'hard', 'invalid-recipient', '5.1.1')).toEqual([]);
    clock.advanceDays(1);
    const [entry] = await bounce(service, 'gone@example.org', 'hard', 'invalid-recipient', null);
    expect(entry?.reason).toBe('2 hard bounces, last invalid-recipient');
  });

  it('with expiryDays 0 an automatic suppression never expires and hard bounces count forever', async () => {
    const { service, clock } = relay({ rules: { hardBounces: 2, expiryDays: 0 } });
    await bounce(service, 'old@example.org', 'hard', 'invalid-recipient', '5.1.1');
    clock.advanceDays(3650);
    const [entry] = await bounce(service, 'old@example.org', 'hard', 'invalid-recipient', '5.1.1');
    expect(entry).toMatchObject({ reason: '2 hard bounces, last 5.1.1 (invalid-recipient)', expiresAt: null });
  });

  it('ignores evidence of any other kind, such as a policy block, and items without a recipient hash', async () => {
    const { service } = relay();
    const created = await db.transaction((tx) =>
      service.recordEvidence(tx, [
        { recipientHash: hash('x@example.org'), kind: 'policy-block', category: 'policy-block', enhanced: '5.7.1' },
        { recipientHash: hash('x@example.org'), kind: 'delivered', category: 'delivered', enhanced: null },
        { recipientHash: '', kind: 'hard', category: 'invalid-recipient', enhanced: '5.1.1' },
        { recipientHash: 'x@example.org', kind: 'hard', category: 'invalid-recipient', enhanced: '5.1.1' },
      ] as unknown as EvidenceInput[]),
    );
    expect(created).toEqual([]);
    expect(await rowCounts()).toEqual({ s: 0, e: 0 });
  });

  it('leaves an active entry alone: evidence never overrides what an admin set', async () => {
    const { service } = relay();
    await service.add({ address: 'kept@example.org', reason: 'customer asked', by: 'ops' });
    expect(await bounce(service, 'kept@example.org', 'hard', 'invalid-recipient', '5.1.1')).toEqual([]);
    expect(service.match('kept@example.org', anyone)).toMatchObject({ source: 'manual', reason: 'customer asked' });
  });
});

describe('expiry', () => {
  it('an entry refuses until its expiry, then not; a bounce after it suppresses again and the old row goes', async () => {
    const { service, clock } = relay();
    const [entry] = await bounce(service, 'back@example.org', 'hard', 'invalid-recipient', '5.1.1');
    clock.ms = entry!.expiresAt!.getTime() - 1;
    expect(service.match('back@example.org', anyone)?.id).toBe(entry!.id);
    clock.ms = entry!.expiresAt!.getTime();
    expect(service.match('back@example.org', anyone)).toBeNull();
    expect(await service.list()).toEqual([]);
    // The expired row is still in the table (no reload yet): a new bounce replaces it.
    const [again] = await bounce(service, 'back@example.org', 'hard', 'invalid-recipient', '5.1.1');
    expect(again!.expiresAt!.getTime()).toBe(clock.ms + 90 * DAY_MS);
    expect(service.match('back@example.org', anyone)?.id).toBe(again!.id);
    expect((await rowCounts()).s).toBe(1);

    const manual = await service.add({ address: 'short@example.org', reason: 'one week pause', expiresAt: new Date(clock.ms + 7 * DAY_MS) });
    clock.advanceDays(8);
    expect(service.match('short@example.org', anyone)).toBeNull();
    await service.refresh();
    expect(await db.query('select id::text as id from suppression where id = ?', [manual.id])).toEqual([]);
  });
});

describe('scopes', () => {
  it('a user: entry refuses only that user’s mail, a domain: entry only that sender domain’s, a global one everyone’s', async () => {
    const { service } = relay();
    const forAlice = await service.add({ address: 'r1@example.org', reason: 'asked alice to stop', scope: 'user:Alice ' });
    expect(forAlice.scope).toBe('user:alice');
    expect(service.match('r1@example.org', { login: 'alice', mailFrom: 'news@alice.test' })?.id).toBe(forAlice.id);
    expect(service.match('r1@example.org', { login: 'bob', mailFrom: 'news@alice.test' })).toBeNull();
    expect(service.match('r1@example.org', { login: null, mailFrom: 'news@alice.test' })).toBeNull();

    const forShop = await service.add({ address: 'r2@example.org', reason: 'unsubscribed from the shop', scope: 'domain:Shop.Example' });
    expect(forShop.scope).toBe('domain:shop.example');
    expect(service.match('r2@example.org', { login: 'carol', mailFrom: 'orders@SHOP.example' })?.id).toBe(forShop.id);
    expect(service.match('r2@example.org', { login: 'carol', mailFrom: 'orders@other.example' })).toBeNull();
    expect(service.match('r2@example.org', { login: 'carol', mailFrom: 'orders@sub.shop.example' })).toBeNull();
    expect(service.match('r2@example.org', { login: 'carol', mailFrom: '' })).toBeNull();

    const global = await service.add({ address: 'r3@example.org', reason: 'legal request', scope: 'global' });
    expect(global.scope).toBe('');
    expect(service.match('r3@example.org', { login: null, mailFrom: '' })?.id).toBe(global.id);

    // Global wins over a narrower entry for the same recipient.
    await service.add({ address: 'r1@example.org', reason: 'everyone', scope: '' });
    expect(service.match('r1@example.org', { login: 'alice', mailFrom: 'news@alice.test' })?.reason).toBe('everyone');
  });
});

describe('manual entries', () => {
  it('keeps the plaintext address only for entries added by hand, and replaces an entry of the same address and scope', async () => {
    const { service } = relay();
    await bounce(service, 'auto@example.org', 'hard', 'invalid-recipient', '5.1.1');
    const first = await service.add({ address: ' Hand@Example.ORG ', reason: 'first reason; see ticket 42', by: 'ops' });
    expect(first).toMatchObject({ reason: 'first reason; see ticket 42', address: 'hand@example.org', recipientHash: hash('hand@example.org'), source: 'manual', createdBy: 'ops', expiresAt: null });
    const second = await service.add({ address: 'hand@example.org', reason: 'second reason' });
    expect(second.id).not.toBe(first.id);
    expect(service.match('hand@example.org', anyone)?.reason).toBe('second reason');
    expect(await db.query('select address, source from suppression order by source')).toEqual([
      { address: null, source: 'hard-bounce' },
      { address: 'hand@example.org', source: 'manual' },
    ]);
  });

  it('removes one scope or every scope, and says how many entries went', async () => {
    const { service } = relay();
    await service.add({ address: 'multi@example.org', reason: 'a', scope: 'user:alice' });
    await service.add({ address: 'multi@example.org', reason: 'b', scope: 'domain:shop.example' });
    await service.add({ address: 'multi@example.org', reason: 'c' });
    expect(await service.remove('multi@example.org', 'user:alice')).toBe(1);
    expect(service.match('multi@example.org', { login: 'alice', mailFrom: 'a@alice.test' })?.reason).toBe('c');
    expect(await service.remove('MULTI@example.org')).toBe(2);
    expect(service.match('multi@example.org', { login: 'x', mailFrom: 'x@shop.example' })).toBeNull();
    expect(await service.remove('multi@example.org')).toBe(0);
  });

  it('removing a suppression forgets its bounce evidence, so the old bounces do not count again', async () => {
    const { service } = relay({ rules: { hardBounces: 2 } });
    await bounce(service, 'fixed@example.org', 'hard', 'invalid-recipient', '5.1.1');
    await bounce(service, 'fixed@example.org', 'hard', 'invalid-recipient', '5.1.1');
    expect((await service.check('fixed@example.org')).evidence).toHaveLength(1);
    expect(await service.remove('fixed@example.org')).toBe(1);
    expect((await service.check('fixed@example.org')).evidence).toEqual([]);
    expect(await bounce(service, 'fixed@example.org', 'hard', 'invalid-recipient', '5.1.1')).toEqual([]);
  });

  it('removes an automatic entry by the hash that list shows', async () => {
    const { service } = relay();
    await bounce(service, 'hashed@example.org', 'hard', 'invalid-recipient', '5.1.1');
    expect(await service.remove(`hash:${hash('hashed@example.org')}`)).toBe(1);
    expect(service.match('hashed@example.org', anyone)).toBeNull();
  });

  it('lists active entries newest first, by source, up to a limit', async () => {
    const { service, clock } = relay();
    await bounce(service, 'l1@example.org', 'hard', 'invalid-recipient', '5.1.1');
    clock.advanceDays(1);
    await service.add({ address: 'l2@example.org', reason: 'r' });
    clock.advanceDays(1);
    await bounce(service, 'l3@example.org', 'complaint', 'abuse');
    await service.add({ address: 'gone@example.org', reason: 'r', expiresAt: new Date(clock.ms + 1000) });
    clock.ms += 1000;
    const hashes = (entries: { recipientHash: string }[]) => entries.map((e) => e.recipientHash);
    expect(hashes(await service.list())).toEqual([hash('l3@example.org'), hash('l2@example.org'), hash('l1@example.org')]);
    expect(hashes(await service.list({ limit: 1 }))).toEqual([hash('l3@example.org')]);
    expect(hashes(await service.list({ source: 'manual' }))).toEqual([hash('l2@example.org')]);
    await expect(service.list({ source: 'policy-block' })).rejects.toThrow(/unknown source/);
    await expect(service.list({ limit: 0 })).rejects.toThrow(/positive whole number/);
  });
});

describe('check', () => {
  it('reports entries, evidence by kind and category, outcomes by category and the day of the last success', async () => {
    const { service, clock } = relay({ rules: { softBounces: 3 } });
    const h = hash('seen@example.org');
    await bounce(service, 'seen@example.org', 'soft', 'mailbox-full', '4.2.2');
    clock.advanceDays(1);
    await bounce(service, 'seen@example.org', 'soft', 'mailbox-full', '4.2.2');
    await db.query(
      `insert into recipient_category_stat (recipient_hash, bucket, outcome, category, count)
       values (?, '2026-11-01', 'deferred', 'mailbox-full', 2), (?, '2026-11-02', 'deferred', 'mailbox-full', 3), (?, '2026-11-02', 'bounced', 'invalid-recipient', 1)`,
      [h, h, h],
    );
    await db.query("insert into recipient_last_success (recipient_hash, delivered_on) values (?, '2026-11-20')", [h]);
    const report = await service.check('Seen@example.org');
    expect(report).toEqual({
      recipientHash: h,
      entries: [],
      evidence: [{ kind: 'soft', category: 'mailbox-full', count: 2, lastAt: clock.now() }],
      outcomes: [{ outcome: 'bounced', category: 'invalid-recipient', count: 1 }, { outcome: 'deferred', category: 'mailbox-full', count: 5 }],
      lastSuccessOn: new Date('2026-11-20T00:00:00Z'),
    });
    await bounce(service, 'seen@example.org', 'soft', 'mailbox-full', '4.2.2');
    expect((await service.check(`hash:${h}`)).entries).toMatchObject([{ source: 'soft-bounce' }]);
    expect(await service.check('never-seen@example.org')).toMatchObject({ entries: [], evidence: [], outcomes: [], lastSuccessOn: null });
  });
});

describe('memory', () => {
  it('sees entries another node adds, replaces and removes within refreshMs', async () => {
    const clock = testClock(new Date().toISOString());
    const here = relay({ clock, refreshMs: 20 }).service;
    const there = relay({ clock }).service;
    await here.start();
    started.push(here);
    await there.add({ address: 'remote@example.org', reason: 'added elsewhere' });
    await until(() => here.match('remote@example.org', anyone) !== null);
    await there.add({ address: 'remote@example.org', reason: 'changed elsewhere' });
    await until(() => here.match('remote@example.org', anyone)?.reason === 'changed elsewhere');
    await bounce(there, 'bounced@example.org', 'hard', 'invalid-recipient', '5.1.1');
    await until(() => here.match('bounced@example.org', anyone) !== null);
    await there.remove('remote@example.org');
    await until(() => here.match('remote@example.org', anyone) === null);
    expect(here.refreshFailures).toBe(0);
  });
});

describe('hostile input', () => {
  const good = { address: 'ok@example.org', reason: 'fine' };
  const cases: [string, Parameters<SuppressionService['add']>[0], RegExp][] = [
    ['an empty address', { ...good, address: '' }, /an address is required/],
    ['a blank address', { ...good, address: '   ' }, /an address is required/],
    ['CR LF in the address', { ...good, address: 'a@example.org\r\nRCPT TO:<b@example.org>' }, /control characters/],
    ['a NUL in the address', { ...good, address: 'a\u0000b@example.org' }, /control characters/],
    ['a 10 kB address', { ...good, address: `${'a'.repeat(10_000)}@example.org` }, /longer than 254 octets/],
    ['a whole domain', { ...good, address: '@example.org' }, /one mailbox/],
    ['no domain', { ...good, address: 'postmaster' }, /one mailbox/],
    ['a wildcard', { ...good, address: '*@example.org' }, /one mailbox/],
    ['a bad domain', { ...good, address: 'a@-bad-.example' }, /one mailbox/],
    ['a hash', { ...good, address: `hash:${'ab'.repeat(12)}` }, /needs the address/],
    ['an empty reason', { ...good, reason: ' ' }, /reason is required/],
    ['a reason too long', { ...good, reason: 'x'.repeat(201) }, /longer than 200 characters/],
    ['CR LF in the reason', { ...good, reason: 'bad\r\n250 OK fake' }, /one line/],
    ['a tab in the reason', { ...good, reason: 'a\tb' }, /one line/],
    ['an unknown scope', { ...good, scope: 'team:ops' }, /use global, user:<login> or domain:<domain>/],
    ['an empty login', { ...good, scope: 'user:' }, /user:<login>/],
    ['a login with spaces', { ...good, scope: 'user:a b' }, /user:<login>/],
    ['a bad domain scope', { ...good, scope: 'domain:not a domain' }, /domain:<domain>/],
    ['CR LF in the scope', { ...good, scope: 'user:a\r\nb' }, /bad scope/],
    ['an expiry in the past', { ...good, expiresAt: new Date('2000-01-01') }, /in the past/],
    ['an invalid date', { ...good, expiresAt: new Date('nope') }, /bad expiry/],
  ];
  for (const [name, input, message] of cases) {
    it(`refuses ${name} with a clear message and stores nothing`, async () => {
      const { service } = relay();
      const error = await service.add(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SuppressionError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
      expect((error as Error).message.length).toBeLessThan(200);
      expect(await rowCounts()).toEqual({ s: 0, e: 0 });
    });
  }

  it('refuses the same bad addresses and scopes for remove and check', async () => {
    const { service } = relay();
    await expect(service.remove('a@example.org\r\n')).rejects.toThrow(/control characters/);
    await expect(service.remove('@example.org')).rejects.toThrow(/one mailbox/);
    await expect(service.remove('a@example.org', 'team:x')).rejects.toThrow(/bad scope/);
    await expect(service.check('x'.repeat(10_000))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.check('hash:zz')).rejects.toThrow(/bad recipient hash/);
  });
});
