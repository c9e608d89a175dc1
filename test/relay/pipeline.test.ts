// The whole pipeline in one process: submission with AUTH and STARTTLS, the
// queue, MX lookup on a loopback DNS server, delivery to sink MXes, DSNs back
// to the sender, and what the database keeps afterwards.
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRelay } from '../../server/relay.ts';
import { StatsReport, type StatsSummary } from '../../relay-core/stats/index.ts';
import { runStatsCommand } from '../../server/commands/stats.ts';
import { expectNoPlaintextRecipients } from '../support/privacy.ts';
import { waitFor } from '../support/relay.ts';
import type { SinkMx } from '../support/sink-mx.ts';
import { startMailWorld, type MailWorld } from '../support/world.ts';

let world: MailWorld;
let destMx: SinkMx;
let senderMx: SinkMx;
let relay: RunningRelay;

beforeAll(async () => {
  world = await startMailWorld(['127.0.0.2', '127.0.0.3']);
  ({ destMx, senderMx, relay } = world);
  await relay.users.add('alice', 'correct horse battery', ['alice@example.org']);
});

afterAll(async () => world?.close());

function submit(message: SendMailOptions) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: relay.smtpPort, secure: false, requireTLS: true,
    tls: { rejectUnauthorized: false }, auth: { user: 'alice', pass: 'correct horse battery' },
  });
  return transport.sendMail(message);
}

describe('relay pipeline', () => {
  it('delivers an authenticated submission to the recipient MX over TLS, with the same envelope and body', async () => {
    const info = await submit({ from: 'alice@example.org', to: 'accept-1@dest.test', subject: 'first', text: 'hello there' });
    expect(info.response).toMatch(/^250 2\.0\.0 queued as [0-9A-F]+/);
    await destMx.waitFor((m) => m.some((x) => x.rcptTo.includes('accept-1@dest.test')));
    const got = destMx.messages.find((x) => x.rcptTo.includes('accept-1@dest.test'))!;
    expect(got.mailFrom).toBe('alice@example.org');
    expect(got.isTls).toBe(true);
    expect(got.body.toString()).toContain('Subject: first');
    expect(got.body.toString()).toContain('hello there');
    await waitFor(async () => (await relay.admin.list()).length === 0, 20_000, 'the queue to empty');
  });

  it('a 550 5.1.1 at RCPT bounces that recipient and sends one DSN to the sender, while the other recipient is delivered', async () => {
    await submit({ from: 'alice@example.org', to: ['unknown-2@dest.test', 'accept-2@dest.test'], subject: 'second', text: 'body two' });
    await destMx.waitFor((m) => m.some((x) => x.rcptTo.includes('accept-2@dest.test')));
    await senderMx.waitFor((m) => m.some((x) => x.mailFrom === '' && x.body.toString().includes('unknown-2@dest.test')));
    const dsns = senderMx.messages.filter((x) => x.body.toString().includes('unknown-2@dest.test'));
    expect(dsns).toHaveLength(1);
    const dsn = dsns[0]!;
    expect(dsn.rcptTo).toEqual(['alice@example.org']);
    const text = dsn.body.toString();
    expect(text).toContain('report-type=delivery-status');
    expect(text).toContain('Status: 5.1.1');
    expect(text).toContain('Remote-MTA: dns; mx.dest.test');
    expect(text).toContain('Subject: second');
    expect(text).not.toContain('body two');
    await waitFor(async () => (await relay.admin.list()).length === 0, 20_000, 'the queue to empty');
  });

  it('greylisting defers, records the reply, and delivers on the retry', async () => {
    await submit({ from: 'alice@example.org', to: 'greylist-3@dest.test', subject: 'third', text: 'x' });
    const deferred = await waitFor(async () => {
      const r = (await relay.admin.list())[0]?.recipients[0];
      return r?.state === 'deferred' ? r : null;
    }, 20_000, 'a deferral');
    expect(deferred!.lastReply).toMatchObject({ code: 451, enhanced: '4.7.1' });
    expect(deferred!.lastMx).toBe('mx.dest.test');
    await destMx.waitFor((m) => m.some((x) => x.rcptTo.includes('greylist-3@dest.test')));
    expect(destMx.messages.filter((x) => x.rcptTo.includes('greylist-3@dest.test'))).toHaveLength(1);
  });

  it('keeps nothing that links a sender to a recipient once delivery is over', async () => {
    await waitFor(async () => (await relay.admin.list()).length === 0, 20_000, 'the queue to empty');
    const tables = (await relay.db.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public'",
    )).map((t) => t.tablename);
    expect(await relay.db.query('select * from message')).toEqual([]);
    expect(await relay.db.query('select * from recipient')).toEqual([]);
    const recipients = ['accept-1@dest.test', 'accept-2@dest.test', 'unknown-2@dest.test', 'greylist-3@dest.test'];
    // No plaintext list of whom the relay mailed: recipients are keyed hashes everywhere.
    await expectNoPlaintextRecipients(relay.db, recipients);
    for (const table of tables) {
      for (const row of await relay.db.query(`select * from ${table}`)) {
        const text = JSON.stringify(row).toLowerCase();
        if (!text.includes('alice@example.org')) continue;
        // A row may name the sender (its counters, its user account) but never a recipient.
        for (const r of recipients) expect(text, `${table} links alice to ${r}`).not.toContain(r);
        expect(text, `${table} names a recipient domain next to the sender`).not.toContain('dest.test');
      }
    }
    const senderStats = await relay.db.query<{ received: number; delivered: number; bounced: number }>(
      "select sum(received)::int as received, sum(delivered)::int as delivered, sum(bounced)::int as bounced from sender_stat where sender = 'alice@example.org'",
    );
    expect(senderStats[0]).toEqual({ received: 3, delivered: 3, bounced: 1 });
    const attempts = await relay.db.query<{ outcome: string; code: number; mx_host: string; is_tls: boolean }>(
      "select outcome, code, mx_host, is_tls from attempt where domain = 'dest.test' order by id",
    );
    expect(attempts.map((a) => a.outcome).sort()).toEqual(['bounced', 'deferred', 'delivered', 'delivered', 'delivered']);
    expect(attempts.every((a) => a.mx_host === 'mx.dest.test' && a.is_tls === true)).toBe(true);
  });

  it('suppresses an address after its hard bounce: the next submission to it is refused at RCPT with the reason', async () => {
    const check = await relay.suppressions.check('unknown-2@dest.test');
    expect(check.entries).toEqual([expect.objectContaining({ source: 'hard-bounce', address: null, scope: '' })]);
    expect(check.outcomes).toContainEqual({ outcome: 'bounced', category: 'invalid-recipient', count: 1 });
    expect((await relay.suppressions.check('accept-1@dest.test')).lastSuccessOn).toBeInstanceOf(Date);
    await expect(submit({ from: 'alice@example.org', to: 'unknown-2@dest.test', subject: 'again', text: 'x' }))
      .rejects.toThrow(/550 5\.1\.1 <unknown-2@dest\.test>: Recipient address rejected: suppressed since .*1 hard bounce/);
  });
});

describe('relais stats', () => {
  it('shows what was sent per sender and per destination, and refuses a bad window', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const deps = { stats: new StatsReport({ db: relay.db }), out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
    expect(await runStatsCommand(['--json'], deps)).toBe(0);
    const summary = JSON.parse(lines.join('\n')) as StatsSummary;
    expect(summary.totals).toMatchObject({ received: 3, delivered: 3, bounced: 1 });
    expect(summary.senders).toEqual([expect.objectContaining({ sender: 'alice@example.org', received: 3, delivered: 3, bounced: 1 })]);
    expect(summary.destinations).toContainEqual(expect.objectContaining({ domain: 'dest.test', delivered: 3, bounced: 1, deferred: 1, policyBlocks: 0 }));
    expect(summary.categories).toEqual(expect.arrayContaining([
      { outcome: 'bounced', category: 'invalid-recipient', count: 1 },
      { outcome: 'deferred', category: 'greylisted', count: 1 },
    ]));
    expect(summary.senders[0]!.categories).toEqual(summary.categories);
    lines.length = 0;
    expect(await runStatsCommand(['--sender', 'Alice@Example.org'], deps)).toBe(0);
    expect(lines.join('\n')).toContain('alice@example.org');
    expect(lines.join('\n')).not.toContain('dest.test');
    expect(await runStatsCommand(['--hours', 'lots'], deps)).toBe(2);
    expect(errors.join('\n')).toContain('--hours must be a whole number');
  });
});

