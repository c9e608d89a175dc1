import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../relay-core/db/index.ts';
import { createTestDatabase, openTestDb } from '../support/db.ts';
import { HOST, makeQueue, makeWorld, queueIdOf, rawSession, startSubmission, transport, type World } from './harness.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let world: World;
const alice = { login: 'alice', password: 'correct horse battery' };
const mail = { from: 'alice@example.org', to: 'bob@remote.test', subject: 'retry me', text: 'Nothing accepted is lost.' };

beforeAll(async () => {
  db = await openTestDb();
  world = makeWorld(db);
  await world.users.add(alice.login, alice.password, ['alice@example.org']);
});
afterAll(async () => db?.drop());

describe('submission when things go wrong', () => {
  it('answers 451 4.3.0 when the queue database is unavailable, logs why, and keeps nothing half-stored', async () => {
    const target = await createTestDatabase();
    const queueDb = await openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: 2 });
    await queueDb.migrate();
    const smtp = await startSubmission({ queue: makeQueue(queueDb), users: world.users });
    await queueDb.close();

    const mailer = transport(smtp.port, { user: alice.login, pass: alice.password });
    const failure = await mailer.sendMail(mail).then(
      () => null,
      (err: { responseCode?: number; response?: string }) => err,
    );
    mailer.close();
    expect(failure).toMatchObject({ responseCode: 451, response: '451 4.3.0 Temporary failure, please retry later' });
    expect(smtp.log.lines.some((l) => l.level === 'error' && l.message.startsWith('enqueue failed') && l.fields.err instanceof Error)).toBe(true);
    await smtp.server.close();

    // The client keeps the message and retries once the database is back: it arrives exactly once.
    const reopened = await openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: 2 });
    try {
      const retried = makeWorld(reopened);
      expect(await retried.admin.list()).toEqual([]);
      const again = await startSubmission({ queue: retried.queue, users: world.users });
      const retry = transport(again.port, { user: alice.login, pass: alice.password });
      const info = await retry.sendMail(mail);
      retry.close();
      await again.server.close();
      const listed = await retried.admin.list();
      expect(listed.map((m) => m.id)).toEqual([queueIdOf(info.response)]);
    } finally {
      await reopened.close();
      await target.drop();
    }
  });

  it('on close, lets a message in the middle of DATA finish with its 250, closes idle clients with 421 and accepts no new ones', async () => {
    const smtp = await startSubmission(world);
    const idle = await rawSession(smtp.port, alice);
    const busy = await rawSession(smtp.port, alice);
    expect((await busy.command('MAIL FROM:<alice@example.org>')).code).toBe(250);
    expect((await busy.command('RCPT TO:<bob@remote.test>')).code).toBe(250);
    expect((await busy.command('DATA')).code).toBe(354);
    busy.write('From: alice@example.org\r\nSubject: in flight\r\n\r\nfirst half, ');

    const closing = smtp.server.close();
    expect((await idle.read()).raw).toMatch(/^421 4\.3\.2 /);
    await idle.closed;
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: HOST, port: smtp.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);

    busy.write('second half.\r\n.\r\n');
    const done = await busy.read();
    expect(done.raw).toMatch(/^250 2\.0\.0 queued as /);
    expect((await busy.read()).code).toBe(421);
    await closing;
    const [queued] = await world.admin.list({ messageId: queueIdOf(done.text)! });
    expect((await world.queue.loadBody(queued!.id))!.toString()).toMatch(/first half, second half\.\r\n$/);
  });
});
