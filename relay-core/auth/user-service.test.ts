import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db.ts';
import { UserError, UserService } from './user-service.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let users: UserService;

beforeAll(async () => {
  db = await openTestDb();
  users = new UserService({ db });
});
afterAll(async () => db?.drop());
beforeEach(async () => {
  await db.query('delete from smtp_user');
});

async function errorOf(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('UserService', () => {
  it('adds a user with lower-cased login and senders, lists it, and authenticates it', async () => {
    await users.add('Alice', 'open sesame', ['Alice@Example.org', '@Alice.TEST', 'alice@example.org']);
    const [listed] = await users.list();
    expect(listed).toMatchObject({ login: 'alice', allowedSenders: ['alice@example.org', '@alice.test'], isDisabled: false });
    expect(listed!.createdAt).toBeInstanceOf(Date);
    expect(await users.authenticate('ALICE', 'open sesame')).toEqual({ login: 'alice', allowedSenders: ['alice@example.org', '@alice.test'] });
    const [row] = await db.query<{ password_hash: string }>('select password_hash from smtp_user');
    expect(row!.password_hash).toMatch(/^scrypt\$/);
  });

  it('refuses bad input with INVALID_INPUT and an existing login with CONFLICT', async () => {
    await users.add('bob', 'pw', ['bob@example.org']);
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => users.add('bad login', 'pw', ['x@example.org']), 'INVALID_INPUT', /bad login/],
      [() => users.add('', 'pw', ['x@example.org']), 'INVALID_INPUT', /bad login/],
      [() => users.add('carol', '', ['x@example.org']), 'INVALID_INPUT', /password is empty/],
      [() => users.add('carol', 'pw', ['nope']), 'INVALID_INPUT', /bad sender pattern "nope"/],
      [() => users.add('carol', 'pw', []), 'INVALID_INPUT', /at least one allowed sender/],
      [() => users.add('BOB', 'pw', ['bob@example.org']), 'CONFLICT', /"bob" exists already/],
      [() => users.setAllowedSenders('bob', ['*@example.org']), 'INVALID_INPUT', /bad sender pattern/],
      [() => users.setPassword('bob', ''), 'INVALID_INPUT', /empty/],
    ];
    for (const [promise, code, message] of cases) {
      const err = await errorOf(promise());
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
    }
    expect((await users.list()).map((u) => u.login)).toEqual(['bob']);
  });

  it('changes passwords and sender lists, and reports unknown logins with false', async () => {
    await users.add('dave', 'old', ['dave@example.org']);
    expect(await users.setPassword('dave', 'new')).toBe(true);
    expect(await users.authenticate('dave', 'old')).toBeNull();
    expect(await users.authenticate('dave', 'new')).not.toBeNull();
    expect(await users.setAllowedSenders('dave', ['@dave.test'])).toBe(true);
    expect((await users.authenticate('dave', 'new'))!.allowedSenders).toEqual(['@dave.test']);
    expect(await users.setPassword('nobody', 'x')).toBe(false);
    expect(await users.setAllowedSenders('nobody', ['@x.test'])).toBe(false);
    expect(await users.remove('nobody')).toBe(false);
    expect(await users.remove('DAVE')).toBe(true);
    expect(await users.list()).toEqual([]);
  });

  it('fails a wrong password, an unknown login and a disabled user alike', async () => {
    await users.add('erin', 'right', ['erin@example.org']);
    expect(await users.authenticate('erin', 'wrong')).toBeNull();
    expect(await users.authenticate('nobody', 'right')).toBeNull();
    expect(await users.authenticate('not a login!', 'right')).toBeNull();
    expect(await users.setDisabled('erin', true)).toBe(true);
    expect(await users.authenticate('erin', 'right')).toBeNull();
    expect((await users.list())[0]!.isDisabled).toBe(true);
    await users.setDisabled('erin', false);
    expect(await users.authenticate('erin', 'right')).not.toBeNull();
  });

  it('spends a full password hash on unknown logins, so timing does not reveal which logins exist', async () => {
    await users.add('frank', 'pw', ['frank@example.org']);
    await users.authenticate('warm-up', 'x');
    const time = async (login: string) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 5; i++) await users.authenticate(login, 'wrong');
      return Number(process.hrtime.bigint() - start) / 5e6;
    };
    const known = await time('frank');
    const unknown = await time('nobody-here');
    // Both cost one scrypt (tens of ms); a skipped hash would be ~100 times faster.
    expect(unknown).toBeGreaterThan(known / 3);
  });
});
