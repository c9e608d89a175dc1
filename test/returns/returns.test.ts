// The returns address end to end: outgoing mail carries returns+TOKEN as its
// envelope sender, one per recipient; a late DSN or a complaint handed over by
// the inbound MX (without AUTH, from an allowed address) is matched through
// the token, recorded, suppresses the address, and tells the sender; forged
// and hostile reports change nothing and the listener keeps serving.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReturnsAddress } from '../../relay-core/returns/index.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { expectNoPlaintextRecipients } from '../support/privacy.ts';
import { waitFor } from '../support/relay.ts';
import type { SinkMx } from '../support/sink-mx.ts';
import { startMailWorld, type MailWorld } from '../support/world.ts';
import { arfReport, dsnReport, sendRaw } from './reports.ts';

const INBOUND_MX = '127.0.0.9';
let world: MailWorld;
let destMx: SinkMx;
let senderMx: SinkMx;
let relay: RunningRelay;

beforeAll(async () => {
  world = await startMailWorld(['127.0.0.7', '127.0.0.8'], {
    RELAIS_TRUSTED_NETWORKS: '127.0.0.1/32',
    RELAIS_RETURNS_ADDRESS: 'returns@returns.test',
    RELAIS_RETURNS_ALLOWED_FROM: `${INBOUND_MX}/32`,
  });
  ({ destMx, senderMx, relay } = world);
});
afterAll(async () => world?.close());

const submit = (to: string[], subject = 'hello') =>
  nodemailer.createTransport({ host: '127.0.0.1', port: relay.smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ from: 'app@example.org', to, subject, text: 'x' });

/** Sends one message to each address and returns the envelope sender each delivery carried. */
async function mailAndGetReturnPaths(addresses: string[]): Promise<Record<string, string>> {
  await submit(addresses);
  await destMx.waitFor((m) => addresses.every((a) => m.some((x) => x.rcptTo.includes(a))), 20_000);
  await waitFor(async () => (await relay.admin.list()).length === 0, 20_000, 'the outcomes to be recorded');
  return Object.fromEntries(addresses.map((a) => [a, destMx.messages.find((x) => x.rcptTo.includes(a))!.mailFrom]));
}

const report = (rcptTo: string, body: string | Buffer, localAddress = INBOUND_MX) => sendRaw({ port: relay.smtpPort, localAddress, rcptTo: [rcptTo], body });

async function snapshot(): Promise<unknown[]> {
  return Promise.all(['suppression', 'bounce_evidence', 'sender_stat', 'recipient_stat', 'alert', 'recipient_category_stat'].map(
    (t) => relay.db.query(`select * from ${t} order by 1, 2`),
  ));
}

describe('returns address', () => {
  it('gives each recipient its own envelope sender returns+TOKEN, short enough for any MTA', async () => {
    const paths = await mailAndGetReturnPaths(['accept-v1@dest.test', 'accept-v2@dest.test']);
    const [a, b] = Object.values(paths);
    expect(a).toMatch(/^returns\+[a-z2-7]{47}@returns\.test$/);
    expect(b).toMatch(/^returns\+[a-z2-7]{47}@returns\.test$/);
    expect(a).not.toBe(b);
    expect(a!.split('@')[0]!.length).toBeLessThanOrEqual(64);
  });

  it('refuses mail without AUTH from a client not allowed to hand over reports, and any other recipient from one that is', async () => {
    const stranger = await sendRaw({ port: relay.smtpPort, localAddress: '127.0.0.10', rcptTo: ['returns@returns.test'], body: 'x' });
    expect(stranger.mail.code).toBe(530);
    const relaying = await sendRaw({ port: relay.smtpPort, localAddress: INBOUND_MX, rcptTo: ['victim@dest.test'], body: 'x' });
    expect(relaying.mail.code).toBe(250);
    expect(relaying.rcpts[0]!.code).toBe(530);
    expect(relaying.data).toBeNull();
  });

  it('a late hard bounce is recorded, suppresses the address, and the sender is told', async () => {
    const { ['accept-late@dest.test']: path } = await mailAndGetReturnPaths(['accept-late@dest.test']);
    const result = await report(path!, dsnReport({ finalRecipient: 'accept-late@dest.test' }));
    expect(result.data).toMatchObject({ code: 250 });
    expect(result.data!.text).toContain('report accepted: late bounce recorded (invalid-recipient), sender notified');

    const isNotice = (x: { body: Buffer }) => x.body.toString().includes('accept-late@dest.test');
    await senderMx.waitFor((m) => m.some(isNotice), 20_000);
    const notice = senderMx.messages.find(isNotice)!;
    expect(notice.mailFrom).toBe('');
    expect(notice.rcptTo).toEqual(['app@example.org']);
    expect(notice.body.toString()).toContain('later reported that it could not be delivered');
    expect(notice.body.toString()).toContain('Status: 5.1.1');

    await expect(submit(['accept-late@dest.test'])).rejects.toThrow(/550 5\.1\.1 <accept-late@dest\.test>: Recipient address rejected: suppressed since \d{4}-\d\d-\d\d, until \d{4}-\d\d-\d\d: 1 hard bounce/);
    const rows = await relay.db.query<{ address: string | null; source: string }>('select address, source from suppression');
    expect(rows).toEqual([{ address: null, source: 'hard-bounce' }]);
    const [sender] = await relay.db.query<{ bounced: number }>("select sum(bounced)::int as bounced from sender_stat where sender = 'app@example.org'");
    expect(sender!.bounced).toBe(1);
  });

  it('a complaint to the bare returns address is matched through the Return-Path of the quoted message', async () => {
    const { ['accept-c@dest.test']: path } = await mailAndGetReturnPaths(['accept-c@dest.test']);
    const result = await report('returns@returns.test', arfReport({ returnPath: path! }));
    expect(result.data!.text).toContain('report accepted: complaint recorded (abuse)');
    await expect(submit(['accept-c@dest.test'])).rejects.toThrow(/550 5\.1\.1 .*suppressed.*complaint/);
    const [row] = await relay.db.query<{ complaints: number }>("select sum(complaints)::int as complaints from sender_stat where sender = 'app@example.org'");
    expect(row!.complaints).toBe(1);
    const alerts = await relay.db.query<{ kind: string; subject: string }>("select kind, subject from alert where kind = 'complaint'");
    expect(alerts).toEqual([{ kind: 'complaint', subject: 'app@example.org' }]);
  });

  it('forged, expired, misdirected and hostile reports change nothing, are answered cleanly, and the listener keeps serving', async () => {
    const paths = await mailAndGetReturnPaths(['accept-h1@dest.test', 'accept-h2@dest.test']);
    const p1 = paths['accept-h1@dest.test']!;
    const [secret] = await relay.db.query<{ value: string }>("select value from relay_setting where name = 'returns_token_secret'");
    const [{ id: senderId }] = await relay.db.query<{ id: number }>("select id from sender_address where address = 'app@example.org'") as [{ id: number }];
    const past = new ReturnsAddress({ address: 'returns@returns.test', key: Buffer.from(secret!.value, 'base64'), lifetimeDays: 1, now: () => new Date(Date.now() - 3 * 86_400_000) });
    const token1 = p1.slice('returns+'.length, p1.indexOf('@'));
    const forged = `returns+${token1.slice(0, 30)}${token1[30] === 'a' ? 'b' : 'a'}${token1.slice(31)}@returns.test`;
    const before = await snapshot();

    const nested = 'Content-Type: multipart/mixed; boundary="n0"\r\n\r\n' +
      Array.from({ length: 1000 }, (_, i) => `--n${i}\r\nContent-Type: multipart/mixed; boundary="n${i + 1}"\r\n\r\n`).join('');
    const cases: [string, string, string | Buffer][] = [
      ['no token', 'returns@returns.test', 'Subject: out of office\r\n\r\nI am away.\r\n'],
      ['a forged token', forged, dsnReport({ finalRecipient: 'accept-h1@dest.test' })],
      ['an expired token', past.envelopeFor(senderId, '48b386d837e5de4768d335ac'), dsnReport({ finalRecipient: 'accept-h1@dest.test' })],
      ['a token for another recipient', p1, dsnReport({ finalRecipient: 'accept-h2@dest.test' })],
      ['a recipient never mailed', p1, dsnReport({ finalRecipient: 'never-mailed@dest.test' })],
      ['Action: delivered', p1, dsnReport({ finalRecipient: 'accept-h1@dest.test', action: 'delivered', status: '2.0.0', diagnostic: '250 2.0.0 Ok' })],
      ['no report part', p1, 'Subject: Undelivered Mail\r\nContent-Type: text/plain\r\n\r\nuser unknown accept-h1@dest.test 550 5.1.1\r\n'],
      ['20 MB', p1, Buffer.concat([Buffer.from(dsnReport({ finalRecipient: 'nobody@dest.test' })), Buffer.alloc(20 * 1024 * 1024, 'a')])],
      ['multipart nested 1000 deep', p1, nested],
      ['binary garbage', p1, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 256))],
    ];
    for (const [what, rcpt, body] of cases) {
      const result = await report(rcpt, body);
      expect(result.rcpts[0]!.code, what).toBe(250);
      expect(result.data?.code, what).toBe(250);
      expect(result.data!.text, what).toContain('report ignored');
    }
    expect(await snapshot()).toEqual(before);
    // Still serving: a normal message goes through.
    await mailAndGetReturnPaths(['accept-after@dest.test']);
  }, 120_000);

  it('keeps no plaintext recipient anywhere once the queue is empty', async () => {
    await waitFor(async () => (await relay.admin.list()).length === 0, 20_000, 'the queue to empty');
    await expectNoPlaintextRecipients(relay.db, ['accept-v1@dest.test', 'accept-late@dest.test', 'accept-c@dest.test', 'accept-h1@dest.test']);
  });
});
