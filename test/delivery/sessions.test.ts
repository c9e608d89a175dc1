// What happens inside SMTP sessions: falling over to the next MX, one
// transaction per message, several messages per session, and per-recipient
// replies (550 bounce, 451 greylisting, 452 mailbox full) as the queue records them.
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DnsZone } from '../support/dns-server.ts';
import type { SinkMx } from '../support/sink-mx.ts';
import { DeliveryHarness, waitUntil } from './harness.ts';

let h: DeliveryHarness;
let primary: SinkMx;
let backup: SinkMx;
const REFUSING = 9; // nothing listens on 127.0.2.9
const GREETS_421 = 4;
const BROKEN_TLS = 6;
let brokenTls: Server;
/** Bodies the broken-TLS MX accepted (over a plaintext session). */
const plaintextBodies: string[] = [];

/**
 * An MX whose STARTTLS is broken: it says 220 to STARTTLS and then answers
 * the TLS handshake with plain text. A plaintext session works.
 */
function startBrokenTlsMx(host: string, port: number): Promise<Server> {
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 broken-tls ESMTP\r\n');
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          plaintextBodies.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 2.0.0 Ok\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (line.startsWith('EHLO')) socket.write('250-broken-tls\r\n250 STARTTLS\r\n');
        else if (line === 'STARTTLS') socket.write('220 2.0.0 Ready\r\nthis is not TLS\r\n');
        else if (line === 'DATA') {
          inData = true;
          socket.write('354 Go ahead\r\n');
        } else if (line === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
        else socket.write('250 2.0.0 Ok\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

const zone = (records: DnsZone): DnsZone => ({ 'sender.test': { servfail: true }, ...records });

/** `domain` with MX 10 on 127.0.2.first and MX 20 on 127.0.2.second. */
function twoMx(domain: string, first: number, second: number): DnsZone {
  return zone({
    [domain]: { mx: [{ preference: 10, exchange: `mx1.${domain}` }, { preference: 20, exchange: `mx2.${domain}` }] },
    [`mx1.${domain}`]: { a: [h.ip(first)] },
    [`mx2.${domain}`]: { a: [h.ip(second)] },
  });
}

function oneMx(domain: string, last: number): DnsZone {
  return zone({ [domain]: { mx: [{ preference: 10, exchange: `mx.${domain}` }] }, [`mx.${domain}`]: { a: [h.ip(last)] } });
}

beforeAll(async () => {
  h = await DeliveryHarness.open('127.0.2.');
  primary = await h.sink(2);
  backup = await h.sink(3, { acceptAll: true });
  await h.sink(GREETS_421, { greeting421: true });
  brokenTls = await startBrokenTlsMx(h.ip(BROKEN_TLS), h.port);
});
afterEach(async () => h.reset());
afterAll(async () => {
  brokenTls?.close();
  await h?.close();
});

const received = (sink: SinkMx, rcpt: string) => sink.waitFor((m) => m.some((x) => x.rcptTo.includes(rcpt)));
const queueEmpty = () => waitUntil(async () => (await h.admin.list()).length === 0, 'an empty queue');

describe('next MX', () => {
  it('tries the next MX when the first refuses the connection', async () => {
    h.dns.setZone(twoMx('refused.test', REFUSING, 3));
    await h.enqueue(['accept@refused.test'], 'refused');
    h.delivery().start();
    await received(backup, 'accept@refused.test');
    await queueEmpty();
    expect(await h.attempts('refused.test')).toEqual([expect.objectContaining({ outcome: 'delivered', mx_host: 'mx2.refused.test' })]);
  });

  it('tries the next MX when the first greets with 421', async () => {
    h.dns.setZone(twoMx('busy.test', GREETS_421, 3));
    await h.enqueue(['accept@busy.test'], 'greeting-421');
    h.delivery().start();
    await received(backup, 'accept@busy.test');
    await queueEmpty();
    expect(await h.attempts('busy.test')).toEqual([expect.objectContaining({ outcome: 'delivered', mx_host: 'mx2.busy.test' })]);
  });

  it('tries the next MX when the first drops the connection during DATA', async () => {
    h.dns.setZone(twoMx('dropper.test', 2, 3));
    await h.enqueue(['drop@dropper.test'], 'drop');
    h.delivery().start();
    await received(backup, 'drop@dropper.test');
    await queueEmpty();
    expect(primary.messages).toEqual([]);
    expect(await h.attempts('dropper.test')).toEqual([expect.objectContaining({ outcome: 'delivered', mx_host: 'mx2.dropper.test' })]);
  });

  it('defers with the last answer when no MX takes the message, showing reply and MX in the queue', async () => {
    h.dns.setZone(twoMx('nowhere.test', REFUSING, GREETS_421));
    await h.enqueue(['accept@nowhere.test'], 'all-fail');
    h.delivery().start();
    await waitUntil(async () => (await h.recipient('accept@nowhere.test'))?.state === 'deferred', 'a deferral');
    const r = (await h.recipient('accept@nowhere.test'))!;
    expect(r.lastReply).toEqual({ code: 421, enhanced: '4.3.2', text: 'Service not available' });
    expect(r.lastMx).toBe('mx2.nowhere.test');
  });
});

describe('opportunistic TLS', () => {
  it('sends in clear to an MX whose STARTTLS handshake fails, and records that TLS was not used', async () => {
    h.dns.setZone(oneMx('badtls.test', BROKEN_TLS));
    await h.enqueue(['accept@badtls.test'], 'bad-tls');
    h.delivery().start();
    await queueEmpty();
    expect(plaintextBodies.some((b) => b.includes('Subject: bad-tls'))).toBe(true);
    expect(await h.attempts('badtls.test')).toEqual([expect.objectContaining({ outcome: 'delivered', is_tls: false, code: 250 })]);
  });
});

describe('transactions and sessions', () => {
  it('sends all recipients of a message in one transaction and several messages over one session', async () => {
    h.dns.setZone(oneMx('multi.test', 2));
    await h.enqueue(['accept1@multi.test', 'accept2@multi.test', 'accept3@multi.test'], 'multi-1');
    await h.enqueue(['accept4@multi.test'], 'multi-2');
    await h.enqueue(['accept5@multi.test', 'accept6@multi.test'], 'multi-3');
    h.delivery().start();
    await primary.waitFor((m) => m.length === 3);
    await queueEmpty();
    const [m1, m2, m3] = primary.messages;
    expect(m1!.rcptTo).toEqual(['accept1@multi.test', 'accept2@multi.test', 'accept3@multi.test']);
    expect(m2!.rcptTo).toEqual(['accept4@multi.test']);
    expect(m3!.rcptTo).toEqual(['accept5@multi.test', 'accept6@multi.test']);
    expect(new Set(primary.messages.map((m) => m.sessionId)).size).toBe(1);
    expect(primary.messages.every((m) => m.isTls && m.mailFrom === 'sender@sender.test')).toBe(true);
    expect(m1!.body.toString()).toContain('Subject: multi-1');
  });

  it('a 550 5.1.1 at RCPT bounces that recipient and sends one DSN to the sender while the others are delivered', async () => {
    h.dns.setZone(oneMx('mixed.test', 2));
    await h.enqueue(['accept-a@mixed.test', 'unknown-b@mixed.test', 'accept-c@mixed.test'], 'mixed');
    h.delivery().start();
    await received(primary, 'accept-a@mixed.test');
    await waitUntil(async () => (await h.admin.list()).some((m) => m.mailFrom === ''), 'a DSN in the queue');
    expect(primary.messages.map((m) => m.rcptTo)).toEqual([['accept-a@mixed.test', 'accept-c@mixed.test']]);
    const attempts = await h.attempts('mixed.test');
    expect(attempts.map((a) => a.outcome).sort()).toEqual(['bounced', 'delivered', 'delivered']);
    const bounce = attempts.find((a) => a.outcome === 'bounced')!;
    expect(bounce).toMatchObject({ code: 550, enhanced: '5.1.1', mx_host: 'mx.mixed.test', is_tls: true });
    expect(bounce.text).toContain('Recipient address rejected: User unknown');
    const queued = await h.admin.list();
    expect(queued.map((m) => m.mailFrom)).toEqual(['']);
    const dsn = (await h.queue.loadBody(queued[0]!.id))!.toString();
    expect(dsn).toContain('Final-Recipient: rfc822; unknown-b@mixed.test');
    expect(dsn).toContain('Status: 5.1.1');
    expect(dsn).not.toContain('accept-a@mixed.test');
  });

  it('a message whose every recipient is refused leaves the session usable for the next message', async () => {
    h.dns.setZone(oneMx('refusing.test', 2));
    // A null sender: no DSN, so the queue empties once both messages are done.
    await h.enqueue(['unknown1@refusing.test', 'unknown2@refusing.test'], 'all-refused', '');
    await h.enqueue(['accept@refusing.test'], 'after-refused');
    const sessionsBefore = primary.sessionCount;
    h.delivery().start();
    await received(primary, 'accept@refusing.test');
    await queueEmpty();
    const attempts = await h.attempts('refusing.test');
    expect(attempts.map((a) => [a.outcome, a.code, a.enhanced])).toEqual([
      ['bounced', 550, '5.1.1'], ['bounced', 550, '5.1.1'], ['delivered', 250, '2.0.0'],
    ]);
    expect(primary.sessionCount - sessionsBefore).toBe(1);
  });

  it('a 451 4.7.1 greylisting reply defers the recipient and the retry delivers it', async () => {
    h.dns.setZone(oneMx('grey.test', 2));
    await h.enqueue(['greylist@grey.test'], 'greylist');
    h.delivery().start();
    await received(primary, 'greylist@grey.test');
    await queueEmpty();
    expect(await h.attempts('grey.test')).toEqual([
      expect.objectContaining({ outcome: 'deferred', code: 451, enhanced: '4.7.1', text: 'Greylisted, try again later', mx_host: 'mx.grey.test' }),
      expect.objectContaining({ outcome: 'delivered', code: 250, mx_host: 'mx.grey.test' }),
    ]);
    expect(primary.messages).toHaveLength(1);
  });

  it('a 452 4.2.2 mailbox full defers the recipient with its reply, MX and TLS state recorded', async () => {
    h.dns.setZone(oneMx('full.test', 2));
    await h.enqueue(['full@full.test'], 'full');
    h.delivery().start();
    await waitUntil(async () => (await h.recipient('full@full.test'))?.state === 'deferred', 'a deferral');
    const r = (await h.recipient('full@full.test'))!;
    expect(r.lastReply).toEqual({ code: 452, enhanced: '4.2.2', text: 'Mailbox full' });
    expect(r.lastMx).toBe('mx.full.test');
    const [row] = await h.db.query<{ last_tls: boolean }>('select last_tls from recipient where rcpt_to = ?', ['full@full.test']);
    expect(row!.last_tls).toBe(true);
    expect((await h.attempts('full.test'))[0]).toMatchObject({ outcome: 'deferred', is_tls: true, code: 452 });
    expect(primary.messages).toEqual([]);
  });

  it('sends bare LF and CR line ends as CRLF, and a DSN with the null sender', async () => {
    h.dns.setZone(oneMx('lines.test', 2));
    await h.queue.enqueue({
      mailFrom: '', submittedBy: null, isDsn: true, rcptTo: ['accept@lines.test'],
      body: Buffer.from('Subject: lines\n\nbare LF\nbare CR\rdone\r\n'),
    });
    h.delivery().start();
    await received(primary, 'accept@lines.test');
    const [message] = primary.messages;
    expect(message!.mailFrom).toBe('');
    expect(message!.body.toString('latin1')).toBe('Subject: lines\r\n\r\nbare LF\r\nbare CR\r\ndone\r\n');
  });
});
