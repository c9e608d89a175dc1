import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserService } from '../../relay-core/auth/index.ts';
import { openTestDb } from '../../test/support/db.ts';
import { runUserCommand } from './user.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let users: UserService;

beforeAll(async () => {
  db = await openTestDb();
  users = new UserService({ db });
});
afterAll(async () => db?.drop());

/** Runs `relais user …` with `stdin` as its input; returns the exit code and every line written. */
async function run(argv: string[], stdin = '') {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runUserCommand(argv, { users, stdin: Readable.from([Buffer.from(stdin)]), out: (l) => lines.push(l), err: (l) => errors.push(l) });
  return { code, out: lines.join('\n'), err: errors.join('\n') };
}

describe('relais user', () => {
  it('adds a user with the password from stdin, trailing newline stripped, and lists it', async () => {
    const added = await run(['add', 'Alice', '--password-stdin', '--allow-sender', 'alice@example.org', '--allow-sender', '@alice.test'], 'pass word\n');
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toContain('user alice added');
    expect(await users.authenticate('alice', 'pass word')).toEqual({ login: 'alice', allowedSenders: ['alice@example.org', '@alice.test'] });

    const listed = await run(['list']);
    expect(listed.out).toMatch(/^alice {2}created \d{4}-\d{2}-\d{2} {2}senders: alice@example\.org, @alice\.test$/);
    const json = JSON.parse((await run(['user', 'list', '--json'])).out);
    expect(json).toEqual([expect.objectContaining({ login: 'alice', allowedSenders: ['alice@example.org', '@alice.test'], isDisabled: false })]);
  });

  it('never takes a password from the command line', async () => {
    expect(await run(['add', 'bob', '--allow-sender', 'bob@example.org'], 'pw\n')).toMatchObject({ code: 1, err: expect.stringContaining('--password-stdin is required') });
    expect((await run(['add', 'bob', '--password', 'pw', '--allow-sender', 'bob@example.org'])).code).toBe(2);
    expect(await users.authenticate('bob', 'pw')).toBeNull();
  });

  it('changes a password and replaces the sender list', async () => {
    await run(['add', 'carol', '--password-stdin', '--allow-sender', 'carol@example.org'], 'old\r\n');
    expect((await run(['passwd', 'carol', '--password-stdin'], 'new\n')).code).toBe(0);
    expect(await users.authenticate('carol', 'new')).not.toBeNull();
    expect((await run(['senders', 'carol', '--allow-sender', '@carol.test'])).out).toBe('carol may now send as @carol.test');
    expect((await users.authenticate('carol', 'new'))!.allowedSenders).toEqual(['@carol.test']);
    expect((await run(['disable', 'carol'])).code).toBe(0);
    expect(await users.authenticate('carol', 'new')).toBeNull();
    expect((await run(['list'])).out).toContain('carol [disabled]');
    expect((await run(['remove', 'carol'])).out).toBe('user carol removed');
  });

  it('exits 1 with a clear message for refused input and unknown logins', async () => {
    expect(await run(['remove', 'nobody'])).toMatchObject({ code: 1, err: 'relais user remove: no such user "nobody"' });
    expect(await run(['passwd', 'nobody', '--password-stdin'], 'x')).toMatchObject({ code: 1, err: expect.stringContaining('no such user') });
    expect(await run(['senders', 'alice'])).toMatchObject({ code: 1, err: expect.stringContaining('--allow-sender') });
    expect(await run(['add', 'dave', '--password-stdin', '--allow-sender', 'not-an-address'], 'pw')).toMatchObject({
      code: 1, err: expect.stringContaining('bad sender pattern "not-an-address"'),
    });
    expect(await run(['add', 'alice', '--password-stdin', '--allow-sender', '@x.test'], 'pw')).toMatchObject({
      code: 1, err: expect.stringContaining('exists already'),
    });
    expect(await run(['add', 'erin', '--password-stdin', '--allow-sender', '@x.test'], '\n')).toMatchObject({
      code: 1, err: expect.stringContaining('password is empty'),
    });
  });

  it('exits 2 with the usage for unknown subcommands, options and wrong arguments', async () => {
    for (const argv of [[], ['frobnicate'], ['list', '--color'], ['remove'], ['remove', 'a', 'b'], ['list', 'extra'], ['remove', 'alice', '--json']]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err).toContain('usage: relais user add');
    }
  });
});
