import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../support/db.ts';
import { SmtpTestClient } from '../support/smtp-client.ts';
import {
  HOST, TRUSTED_HOST, hasBareLineBreak, makeWorld, queueIdOf, rawSession, startSubmission, transport,
  type Submission, type World,
} from './harness.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let world: World;
let smtp: Submission;
const alice = { login: 'alice', password: 'correct horse battery' };

beforeAll(async () => {
  db = await openTestDb();
  world = makeWorld(db);
  await world.users.add(alice.login, alice.password, ['alice@example.org', '@alice.test']);
  smtp = await startSubmission(world);
});
afterAll(async () => {
  await smtp?.server.close();
  await db?.drop();
});

const message = (from: string, extra = '') => `From: ${from}\r\nTo: bob@remote.test\r\nSubject: hello\r\n${extra}\r\nHi Bob.\r\n`;

async function messageCount(): Promise<number> {
  return (await world.admin.list()).length;
}

/** Runs MAIL/RCPT/DATA on an open session and returns the final reply. */
async function submit(client: SmtpTestClient, mailFrom: string, rcptTo: string[], body: string) {
  const mail = await client.command(`MAIL FROM:<${mailFrom}>`);
  if (mail.code !== 250) return mail;
  for (const rcpt of rcptTo) {
    const reply = await client.command(`RCPT TO:<${rcpt}>`);
    if (reply.code !== 250) return reply;
  }
  const data = await client.command('DATA');
  if (data.code !== 354) return data;
  client.write(`${body}.\r\n`);
  return client.read();
}

describe('submission', () => {
  it('queues a message from an authenticated user and answers with its queue id only after the commit', async () => {
    const mailer = transport(smtp.port, { user: alice.login, pass: alice.password });
    const info = await mailer.sendMail({
      envelope: { from: 'alice@example.org', to: ['bob@remote.test', 'carol@other.test'] },
      raw: message('Alice <alice@example.org>'),
    });
    mailer.close();
    expect(info.response).toMatch(/^250 2\.0\.0 queued as [0-9A-F]+$/);
    const id = queueIdOf(info.response)!;
    const [queued] = await world.admin.list({ messageId: id });
    expect(queued).toMatchObject({ id, mailFrom: 'alice@example.org', submittedBy: 'alice' });
    expect(queued!.recipients.map((r) => [r.rcptTo, r.state])).toEqual([['bob@remote.test', 'queued'], ['carol@other.test', 'queued']]);
    const body = (await world.queue.loadBody(id))!;
    const text = body.toString();
    expect(text).toMatch(/^Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n\tby relay\.test \(relais\) with ESMTPSA;\r\n\t\w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000\r\nFrom: Alice <alice@example\.org>\r\n/);
    expect(text.endsWith('Hi Bob.\r\n')).toBe(true);
    expect(hasBareLineBreak(body)).toBe(false);
  });

  it('accepts AUTH LOGIN as well as AUTH PLAIN, and domain-wide sender rights', async () => {
    const mailer = transport(smtp.port, { user: alice.login, pass: alice.password }, { authMethod: 'LOGIN' });
    const info = await mailer.sendMail({ from: 'anything@alice.test', to: 'bob@remote.test', subject: 'via LOGIN', text: 'hi' });
    mailer.close();
    expect(queueIdOf(info.response)).not.toBeNull();
  });

  it('neither offers nor accepts AUTH before STARTTLS, and offers PLAIN and LOGIN after it', async () => {
    const { client, greeting } = await SmtpTestClient.connect({ host: HOST, port: smtp.port });
    expect(greeting.code).toBe(220);
    expect(greeting.text).toContain('relay.test');
    const ehlo = await client.command('EHLO client.test');
    expect(ehlo.lines).toContain('STARTTLS');
    expect(ehlo.lines.some((l) => /^AUTH\b/.test(l))).toBe(false);
    expect(ehlo.lines).toContain('SIZE 65536');
    const auth = await client.authPlain(alice.login, alice.password);
    expect(auth.code).toBeGreaterThanOrEqual(500);
    expect((await client.command('MAIL FROM:<alice@example.org>')).raw).toBe('530 5.7.0 Authentication required');

    await client.startTls();
    const secureEhlo = await client.command('EHLO client.test');
    expect(secureEhlo.lines).toContain('AUTH PLAIN LOGIN');
    expect(secureEhlo.lines).not.toContain('STARTTLS');
    expect((await client.authPlain(alice.login, alice.password)).code).toBe(235);
    await client.quit();
  });

  it('refuses a wrong password or an unknown login with 535 5.7.8', async () => {
    const client = await rawSession(smtp.port);
    expect((await client.authPlain(alice.login, 'wrong')).raw).toBe('535 5.7.8 Authentication credentials invalid');
    expect((await client.authPlain('nobody', 'whatever')).raw).toBe('535 5.7.8 Authentication credentials invalid');
    // PLAIN with an authorization identity other than the login asks for proxy rights nobody has.
    const proxy = Buffer.from(`bob\0${alice.login}\0${alice.password}`).toString('base64');
    expect((await client.command(`AUTH PLAIN ${proxy}`)).code).toBe(535);
    await client.quit();
    const mailer = transport(smtp.port, { user: alice.login, pass: 'nope' });
    await expect(mailer.sendMail({ from: 'alice@example.org', to: 'bob@remote.test', text: 'x' })).rejects.toMatchObject({ responseCode: 535 });
    mailer.close();
  });

  it('relays nothing for an unauthenticated client outside the trusted networks, in clear or in TLS', async () => {
    const before = await messageCount();
    const { client } = await SmtpTestClient.connect({ host: HOST, port: smtp.port });
    await client.command('EHLO client.test');
    expect((await client.command('MAIL FROM:<alice@example.org>')).raw).toBe('530 5.7.0 Authentication required');
    expect((await client.command('RCPT TO:<bob@remote.test>')).code).toBe(503);
    expect((await client.command('DATA')).code).toBe(503);
    await client.quit();

    const secure = await rawSession(smtp.port);
    expect((await secure.command('MAIL FROM:<>')).raw).toBe('530 5.7.0 Authentication required');
    expect((await secure.command('RCPT TO:<user%other.test@remote.test>')).code).toBe(503);
    await secure.quit();
    expect(await messageCount()).toBe(before);
  });

  it('closes a connection with 421 once it has collected 20 refusals', async () => {
    const { client } = await SmtpTestClient.connect({ host: HOST, port: smtp.port });
    await client.command('EHLO client.test');
    client.write('MAIL FROM:<alice@example.org>\r\n'.repeat(25));
    const replies = await client.readMany(20);
    expect(replies.slice(0, 19).every((r) => r.raw === '530 5.7.0 Authentication required')).toBe(true);
    expect(replies[19]!.raw).toBe('421 4.7.0 Too many errors, closing connection');
    await client.closed;
  });

  it('refuses percent-hack, bang-path, address-literal and malformed recipients even from an authenticated user', async () => {
    const client = await rawSession(smtp.port, alice);
    expect((await client.command('MAIL FROM:<alice@example.org>')).code).toBe(250);
    const percent = await client.command('RCPT TO:<victim%elsewhere.test@remote.test>');
    expect(percent.code).toBe(550);
    expect(percent.text).toMatch(/^5\.1\.3 <victim%elsewhere\.test@remote\.test>: .*"%"/);
    expect((await client.command('RCPT TO:<elsewhere.test!victim@remote.test>')).text).toMatch(/^5\.1\.3 /);
    expect((await client.command('RCPT TO:<victim@[127.0.0.1]>')).raw).toMatch(/^550 5\.1\.3 .*address literals/);
    expect((await client.command('RCPT TO:<victim@localhost>')).raw).toMatch(/^501 5\.1\.3 /);
    expect((await client.command('RCPT TO:<postmaster>')).raw).toMatch(/^501 5\.1\.3 /);
    expect((await client.command('RCPT TO:<no-at-sign>')).code).toBe(501);
    expect((await client.command('RCPT TO:<@a.test:@b.test:user@c.test>')).code).toBe(501);
    await client.quit();
  });

  it('never routes through the hops of a source route: only the final address is queued', async () => {
    // smtp-server drops a well-formed source route before any hook sees it
    // (RFC 5321 §4.1.2 says to ignore it), so what is queued is user@c.test alone.
    const client = await rawSession(smtp.port, alice);
    const reply = await submit(client, 'alice@example.org', ['@a.test,@b.test:user@c.test'], message('alice@example.org'));
    expect(reply.code).toBe(250);
    const [queued] = await world.admin.list({ messageId: queueIdOf(reply.text)! });
    expect(queued!.recipients.map((r) => r.rcptTo)).toEqual(['user@c.test']);
    await client.quit();
  });

  it('lets a client in a trusted network submit without AUTH, without TLS and with any sender', async () => {
    const { client } = await SmtpTestClient.connect({ host: HOST, port: smtp.port, localAddress: TRUSTED_HOST });
    await client.command('EHLO webapp.test');
    const reply = await submit(client, 'noreply@anywhere.test', ['bob@remote.test'], message('Web App <noreply@anywhere.test>'));
    expect(reply.raw).toMatch(/^250 2\.0\.0 queued as /);
    const [queued] = await world.admin.list({ messageId: queueIdOf(reply.text)! });
    expect(queued).toMatchObject({ mailFrom: 'noreply@anywhere.test', submittedBy: null });
    expect((await world.queue.loadBody(queued!.id))!.toString()).toMatch(/^Received: from webapp\.test \(\[127\.0\.0\.2\]\)\r\n\tby relay\.test \(relais\) with ESMTP;/);
    await client.quit();
  });

  it('refuses MAIL FROM addresses the user does not own, and the null sender, with 553 5.7.1', async () => {
    const client = await rawSession(smtp.port, alice);
    expect((await client.command('MAIL FROM:<ceo@example.org>')).raw).toBe(
      '553 5.7.1 <ceo@example.org>: Sender address rejected: not owned by user alice',
    );
    expect((await client.command('MAIL FROM:<x@sub.alice.test>')).code).toBe(553);
    expect((await client.command('MAIL FROM:<>')).raw).toMatch(/^553 5\.7\.1 <>: /);
    expect((await client.command('MAIL FROM:<ALICE@Example.ORG>')).code).toBe(250);
    await client.quit();
  });

  it('refuses a From: header the user does not own, missing or unparsable, with 550 5.7.1 and queues nothing', async () => {
    const before = await messageCount();
    const client = await rawSession(smtp.port, alice);
    const cases: [string, RegExp][] = [
      [message('"alice@example.org" <ceo@example.org>'), /^550 5\.7\.1 <ceo@example\.org>: From: address rejected/],
      [message('alice@example.org, ceo@example.org'), /^550 5\.7\.1 <ceo@example\.org>/],
      [message('alice@example.org', 'From: ceo@example.org\r\n'), /^550 5\.7\.1 <ceo@example\.org>/],
      [message('Alice\r\n <ceo@example.org>'), /^550 5\.7\.1 <ceo@example\.org>/],
      ['To: bob@remote.test\r\nSubject: no from\r\n\r\nbody\r\n', /^550 5\.7\.1 .*From: header/],
      [message('undisclosed'), /^550 5\.7\.1 .*From: header/],
      [message('Group: alice@example.org;'), /^550 5\.7\.1 .*From: header/],
    ];
    for (const [body, expected] of cases) expect((await submit(client, 'alice@example.org', ['bob@remote.test'], body)).raw).toMatch(expected);
    // A From: in the body (after the first empty line) is not a header.
    const ok = await submit(client, 'alice@example.org', ['bob@remote.test'], `${message('alice@example.org')}From: ceo@example.org\r\n`);
    expect(ok.code).toBe(250);
    await client.quit();
    expect(await messageCount()).toBe(before + 1);
  });

  it('refuses an oversized message with 552 5.3.4, whether declared with SIZE= or only sent, and queues nothing', async () => {
    const before = await messageCount();
    const client = await rawSession(smtp.port, alice);
    const declared = await client.command('MAIL FROM:<alice@example.org> SIZE=70000');
    expect(declared.raw).toBe('552 5.3.4 Message size exceeds fixed maximum message size');
    const big = message('alice@example.org', '') + 'x'.repeat(998) .concat('\r\n').repeat(70);
    expect((await submit(client, 'alice@example.org', ['bob@remote.test'], big)).raw).toBe(
      '552 5.3.4 Message size exceeds fixed maximum message size',
    );
    // The session goes on normally after it.
    expect((await submit(client, 'alice@example.org', ['bob@remote.test'], message('alice@example.org'))).code).toBe(250);
    await client.quit();
    expect(await messageCount()).toBe(before + 1);
  });

  it('answers the 1001st recipient with 452 4.5.3 and queues the first 1000', async () => {
    const client = await rawSession(smtp.port, alice);
    const rcpts = Array.from({ length: 1001 }, (_, i) => `r${i}@many.test`);
    client.write(`MAIL FROM:<alice@example.org>\r\n${rcpts.map((r) => `RCPT TO:<${r}>\r\n`).join('')}`);
    const replies = await client.readMany(1002);
    expect(replies.slice(0, 1001).every((r) => r.code === 250)).toBe(true);
    expect(replies[1001]!.raw).toBe('452 4.5.3 Too many recipients');
    expect((await client.command('DATA')).code).toBe(354);
    client.write(`${message('alice@example.org')}.\r\n`);
    const done = await client.read();
    expect(done.code).toBe(250);
    const [queued] = await world.admin.list({ messageId: queueIdOf(done.text)! });
    expect(queued!.recipients).toHaveLength(1000);
    await client.quit();
  });

  it('keeps a bare-LF or bare-CR "end of data" inside the one message it belongs to, with CRLF line endings', async () => {
    const before = await messageCount();
    const client = await rawSession(smtp.port, alice);
    const smuggle =
      'From: alice@example.org\r\nSubject: smuggle\r\n\r\nfirst\n.\nMAIL FROM:<alice@example.org>\nRCPT TO:<victim@remote.test>\nDATA\n' +
      'From: alice@example.org\nSubject: smuggled\n\nsecond\r.\rthird\r\n';
    const reply = await submit(client, 'alice@example.org', ['bob@remote.test'], smuggle);
    expect(reply.code).toBe(250);
    expect(await messageCount()).toBe(before + 1);
    const [queued] = await world.admin.list({ messageId: queueIdOf(reply.text)! });
    expect(queued!.recipients.map((r) => r.rcptTo)).toEqual(['bob@remote.test']);
    const body = (await world.queue.loadBody(queued!.id))!;
    expect(hasBareLineBreak(body)).toBe(false);
    expect(body.toString()).toContain('\r\n\r\nfirst\r\n.\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<victim@remote.test>\r\nDATA\r\n');
    expect(body.toString().endsWith('second\r\n.\r\nthird\r\n')).toBe(true);
    // The connection is still in step: the next command gets its own reply.
    expect((await client.command('NOOP')).code).toBe(250);
    await client.quit();
  });

  it('answers every pipelined command in order and queues only what was allowed', async () => {
    const before = await messageCount();
    // Unauthenticated, everything in one write: nothing gets through.
    const { client: anon } = await SmtpTestClient.connect({ host: HOST, port: smtp.port });
    anon.write(`EHLO a.test\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@remote.test>\r\nDATA\r\n${message('alice@example.org')}.\r\nQUIT\r\n`);
    const anonReplies = await anon.readMany(4);
    expect(anonReplies.map((r) => r.code)).toEqual([250, 530, 503, 503]);
    await anon.closed;

    // Commands pipelined behind STARTTLS arrived in clear text: they are dropped, never run inside TLS.
    const { client: inject } = await SmtpTestClient.connect({ host: HOST, port: smtp.port });
    await inject.command('EHLO a.test');
    const plainAuth = Buffer.from(`\0${alice.login}\0${alice.password}`).toString('base64');
    inject.write(`STARTTLS\r\nAUTH PLAIN ${plainAuth}\r\nMAIL FROM:<alice@example.org>\r\n`);
    expect((await inject.read()).code).toBe(220);
    await inject.upgradeTls();
    const afterTls = await inject.command('EHLO a.test');
    expect(afterTls.code).toBe(250);
    expect(afterTls.lines).toContain('AUTH PLAIN LOGIN');
    expect((await inject.command('MAIL FROM:<alice@example.org>')).code).toBe(530);
    await inject.quit();

    // Authenticated, three whole transactions and a refused one in one write.
    const client = await rawSession(smtp.port, alice);
    const one = `MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@remote.test>\r\nDATA\r\n${message('alice@example.org')}.\r\n`;
    client.write(`${one}${one}MAIL FROM:<ceo@example.org>\r\nRCPT TO:<bob@remote.test>\r\nDATA\r\n${one}NOOP\r\n`);
    const replies = await client.readMany(16);
    expect(replies.map((r) => r.code)).toEqual([250, 250, 354, 250, 250, 250, 354, 250, 553, 503, 503, 250, 250, 354, 250, 250]);
    const ids = [replies[3], replies[7], replies[14]].map((r) => queueIdOf(r!.text));
    expect(new Set(ids).size).toBe(3);
    await client.quit();
    expect(await messageCount()).toBe(before + 3);
  });
});
