import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlacklistService } from '../../relay-core/policy/index.ts';
import { openTestDb } from '../support/db.ts';
import { makeWorld, rawSession, startSubmission, TRUSTED_HOST, type Submission, type World } from './harness.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let world: World;
let smtp: Submission;
let blacklist: BlacklistService;
const alice = { login: 'alice', password: 'correct horse battery' };

beforeAll(async () => {
  db = await openTestDb();
  world = makeWorld(db);
  await world.users.add(alice.login, alice.password, ['alice@example.org', 'newsletter@example.org']);
  blacklist = new BlacklistService({ db });
  await blacklist.start();
  await blacklist.add('sender', 'newsletter@example.org', 'newsletters go through the list server');
  await blacklist.add('recipient', '@spamtrap.test', 'known spam trap');
  smtp = await startSubmission(world, { blacklist });
});
afterAll(async () => {
  blacklist?.stop();
  await smtp?.server.close();
  await db?.drop();
});

describe('blacklists at submission', () => {
  it('refuses a blacklisted sender at MAIL FROM with the reason, even for its own user', async () => {
    const client = await rawSession(smtp.port, alice);
    expect((await client.command('MAIL FROM:<newsletter@example.org>')).raw).toBe(
      '550 5.7.1 <newsletter@example.org>: Sender address rejected: newsletters go through the list server',
    );
    expect((await client.command('MAIL FROM:<alice@example.org>')).code).toBe(250);
    await client.quit();
  });

  it('refuses a blacklisted recipient at RCPT TO and keeps the other recipients of the message', async () => {
    const client = await rawSession(smtp.port, alice);
    expect((await client.command('MAIL FROM:<alice@example.org>')).code).toBe(250);
    expect((await client.command('RCPT TO:<trap@SpamTrap.test>')).raw).toBe(
      '550 5.7.1 <trap@SpamTrap.test>: Recipient address rejected: known spam trap',
    );
    expect((await client.command('RCPT TO:<bob@remote.test>')).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    const done = await client.command('From: alice@example.org\r\nSubject: hi\r\n\r\nhello\r\n.');
    expect(done.code).toBe(250);
    await client.quit();
    const queued = await world.admin.list();
    expect(queued.flatMap((m) => m.recipients.map((r) => r.rcptTo))).toEqual(['bob@remote.test']);
  });

  it('applies to trusted networks too', async () => {
    const client = await rawSession(smtp.port, undefined, TRUSTED_HOST);
    expect((await client.command('MAIL FROM:<newsletter@example.org>')).code).toBe(550);
    expect((await client.command('MAIL FROM:<app@example.org>')).code).toBe(250);
    expect((await client.command('RCPT TO:<x@spamtrap.test>')).code).toBe(550);
    await client.quit();
  });
});
