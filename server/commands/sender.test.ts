import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyService } from '../../relay-core/anomaly/index.ts';
import { UserService } from '../../relay-core/auth/index.ts';
import { loadConfig } from '../../relay-core/config/index.ts';
import { EventBus } from '../../relay-core/events/index.ts';
import { silentLogger } from '../../relay-core/log.ts';
import { QueueAdmin } from '../../relay-core/queue/index.ts';
import { openTestDb } from '../../test/support/db.ts';
import { runSenderCommand } from './sender.ts';
import { runUserCommand } from './user.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let users: UserService;
let anomaly: AnomalyService;

beforeAll(async () => {
  db = await openTestDb();
  users = new UserService({ db });
  anomaly = new AnomalyService({
    db, events: new EventBus(), queue: new QueueAdmin({ db }), users, settings: loadConfig({ env: {} }).anomaly, log: silentLogger,
  });
  await users.add('alice', 'pw', ['alice@example.org']);
});
afterAll(async () => db?.drop());

async function run(command: 'sender' | 'user', argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const deps = { anomaly, users, stdin: process.stdin, out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const code = command === 'sender' ? await runSenderCommand(argv, deps) : await runUserCommand(argv, deps);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('relais sender', () => {
  it('holds a sender by hand with a reason, lists it, and releases it', async () => {
    expect(await run('sender', ['list'])).toEqual({ code: 0, out: 'No sender is held', err: '' });
    expect((await run('sender', ['hold', 'alice'])).code).toBe(2);
    expect(await run('sender', ['hold', 'Alice', '--reason', 'phishing reported'])).toEqual({
      code: 0, out: 'alice held: phishing reported; 0 queued recipient(s) put on hold', err: '',
    });
    expect((await run('sender', ['hold', 'from:Bob@Example.org', '--reason', 'open relay upstream'])).out).toContain('from:bob@example.org held');
    const listed = (await run('sender', ['list'])).out.split('\n');
    expect(listed[0]).toMatch(/^alice {2}held since \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(by cli\): phishing reported$/);
    expect(listed[1]).toMatch(/^from:bob@example\.org {2}held since/);
    expect(JSON.parse((await run('sender', ['list', '--json'])).out)).toMatchObject([{ key: 'alice', source: 'manual', heldBy: 'cli' }, { key: 'from:bob@example.org' }]);
    expect(await run('sender', ['release', 'alice'])).toEqual({ code: 0, out: 'alice released; 0 recipient(s) released from hold', err: '' });
    expect((await run('sender', ['list'])).out).not.toContain('alice');
    expect((await run('sender', ['list', '--all'])).out).toMatch(/alice {2}held since .* released .* by cli/);
  });

  it('answers a hostile or unknown sender with a clear error, never echoing control characters', async () => {
    expect(await run('sender', ['release', 'nobody'])).toEqual({ code: 1, out: '', err: 'relais sender release: nobody is not held' });
    const injected = await run('sender', ['hold', 'eve\r\n250 OK', '--reason', 'x']);
    expect(injected.code).toBe(1);
    expect(injected.err).toContain('bad sender "eve\\r\\n250 OK"');
    expect(injected.err).not.toContain('\r');
    const badReason = await run('sender', ['hold', 'eve', '--reason', 'x\r\n250 2.0.0 ok']);
    expect(badReason).toMatchObject({ code: 1, err: expect.stringContaining('line breaks') });
    expect((await run('sender', ['release'])).code).toBe(2);
    expect((await run('sender', ['frobnicate'])).code).toBe(2);
  });
});

describe('relais user quota', () => {
  it('sets, shows and clears hourly and daily quotas', async () => {
    expect(await run('user', ['quota', 'alice', '--per-hour', '100', '--per-day', '1000'])).toEqual({
      code: 0, out: 'quota of alice: 100 messages per hour, 1000 messages per day', err: '',
    });
    expect((await run('user', ['list'])).out).toContain('quota: 100/hour, 1000/day');
    expect(JSON.parse((await run('user', ['list', '--json'])).out)).toMatchObject([{ login: 'alice', quotaPerHour: 100, quotaPerDay: 1000 }]);
    expect((await run('user', ['quota', 'alice', '--per-hour', 'none'])).out).toBe('quota of alice: no hourly quota');
    expect(await users.list()).toMatchObject([{ quotaPerHour: null, quotaPerDay: 1000 }]);
  });

  it('refuses negative, textual, fractional, zero and huge quotas, and unknown users', async () => {
    for (const value of ['abc', '1e3', '2.5', '0', '99999999999', '12abc', '']) {
      const r = await run('user', ['quota', 'alice', `--per-hour=${value}`]);
      expect(r.code, value).toBe(1);
      expect(r.err, value).toMatch(/bad hourly quota/);
    }
    expect((await run('user', ['quota', 'alice', '--per-day=-5'])).err).toContain('bad daily quota "-5"');
    expect((await run('user', ['quota', 'alice', '--per-hour', '-5'])).code).toBe(2);
    expect((await run('user', ['quota', 'alice'])).code).toBe(2);
    expect((await run('user', ['passwd', 'alice', '--per-hour', '5'])).code).toBe(2);
    expect(await run('user', ['quota', 'nobody', '--per-hour', '5'])).toEqual({ code: 1, out: '', err: 'relais user quota: no such user "nobody"' });
    expect(await users.list()).toMatchObject([{ quotaPerHour: null, quotaPerDay: 1000 }]);
  });
});
