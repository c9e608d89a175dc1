import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../support/db.ts';
import { SmtpTestClient } from '../support/smtp-client.ts';
import { HOST, makeWorld, startSubmission, transport, type Submission, type World } from './harness.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let world: World;
let smtp: Submission;
let now = 1_000_000;
const alice = { login: 'alice', password: 'correct horse battery' };
const OTHER_HOST = '127.0.0.3';

beforeAll(async () => {
  db = await openTestDb();
  world = makeWorld(db);
  await world.users.add(alice.login, alice.password, ['alice@example.org']);
  await world.users.add('mallory', 'mallory-password', ['mallory@example.org']);
  await world.users.setDisabled('mallory', true);
  // Trusted networks play no part here: nobody is trusted.
  smtp = await startSubmission(world, { authFailureLimit: 3, authFailureWindowMs: 60_000, now: () => now, trustedNetworks: [] });
});
afterAll(async () => {
  await smtp?.server.close();
  await db?.drop();
});

async function secureClient(localAddress?: string): Promise<SmtpTestClient> {
  const { client } = await SmtpTestClient.connect({ host: HOST, port: smtp.port, localAddress });
  await client.secureHello();
  return client;
}

describe('AUTH failure throttling', () => {
  it('refuses a disabled user like a wrong password', async () => {
    const client = await secureClient(OTHER_HOST);
    expect((await client.authPlain('mallory', 'mallory-password')).raw).toBe('535 5.7.8 Authentication credentials invalid');
    await client.quit();
  });

  it('refuses every AUTH from an IP after too many failures there, on any connection, until the window has passed', async () => {
    // Two failures on one connection, one on the next: the limit of 3 is reached across connections.
    const first = await secureClient();
    expect((await first.authPlain(alice.login, 'guess-1')).code).toBe(535);
    expect((await first.authPlain(alice.login, 'guess-2')).code).toBe(535);
    await first.quit();
    const second = await secureClient();
    expect((await second.authPlain('nobody', 'guess-3')).code).toBe(535);
    // Now even the right password is refused, on this connection and on a new one, PLAIN or LOGIN.
    expect((await second.authPlain(alice.login, alice.password)).raw).toBe('454 4.7.0 Too many failed authentication attempts, try again later');
    await second.quit();
    const mailer = transport(smtp.port, { user: alice.login, pass: alice.password }, { authMethod: 'LOGIN' });
    await expect(mailer.sendMail({ from: 'alice@example.org', to: 'bob@remote.test', text: 'x' })).rejects.toMatchObject({ responseCode: 454 });
    mailer.close();
    expect(smtp.log.lines.some((l) => l.level === 'warn' && l.message.includes('too many failures'))).toBe(true);

    // Another IP is not affected, and its success erases nothing for the first one.
    const other = await secureClient(OTHER_HOST);
    expect((await other.authPlain(alice.login, alice.password)).code).toBe(235);
    await other.quit();
    const third = await secureClient();
    expect((await third.authPlain(alice.login, alice.password)).code).toBe(454);

    now += 60_001;
    expect((await third.authPlain(alice.login, alice.password)).raw).toMatch(/^235 /);
    await third.quit();
  });
});
