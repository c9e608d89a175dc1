// A recipient that keeps failing temporarily: its sender is warned once after
// the delay-warning time, and told once when it expires after the maximum
// queue lifetime.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRelay } from '../../server/relay.ts';
import { waitFor } from '../support/relay.ts';
import type { SinkMx } from '../support/sink-mx.ts';
import { startMailWorld, type MailWorld } from '../support/world.ts';

let world: MailWorld;
let destMx: SinkMx;
let senderMx: SinkMx;
let relay: RunningRelay;

beforeAll(async () => {
  world = await startMailWorld(['127.0.0.5', '127.0.0.6'], {
    RELAIS_TRUSTED_NETWORKS: '127.0.0.0/8', RELAIS_QUEUE_MAX_AGE_MS: '2500', RELAIS_RETRY_FIRST_MS: '200', RELAIS_RETRY_MAX_MS: '400',
    RELAIS_DELAY_WARNING_MS: '600',
  });
  ({ destMx, senderMx, relay } = world);
});

afterAll(async () => world?.close());

describe('queue lifetime and delay warnings', () => {
  it('a recipient that is only ever deferred gets its sender one delay warning, then one 4.4.7 DSN when it expires', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: relay.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'app@example.org', to: 'full-1@dest.test', subject: 'never fits', text: 'x' });
    await senderMx.waitFor((m) => m.some((x) => x.body.toString().includes('Status: 4.4.7')), 20_000);
    await waitFor(async () => (await relay.admin.list()).length === 0, 20_000, 'the queue to empty');
    const notices = senderMx.messages.filter((x) => x.body.toString().includes('full-1@dest.test'));
    expect(notices.map((n) => n.mailFrom)).toEqual(['', '']);
    const [warning, failure] = notices.map((n) => n.body.toString());
    expect(warning).toContain('Subject: Delayed Mail (still being retried)');
    expect(warning).toContain('Action: delayed\r\nStatus: 4.2.2');
    expect(failure).toContain('Subject: Undelivered Mail Returned to Sender');
    expect(failure).toContain('Action: failed\r\nStatus: 4.4.7');
    expect(failure).toContain('452 4.2.2');
    expect(destMx.messages).toEqual([]);
    const outcomes = await relay.db.query<{ outcome: string }>("select outcome from attempt where domain = 'dest.test' order by id");
    expect(outcomes.at(-1)!.outcome).toBe('expired');
    expect(outcomes.length).toBeGreaterThan(2);
  });

  it('a 554 5.7.1 blocklist refusal is a policy block: deferred and retried, never bounced as an invalid address', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: relay.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'app@example.org', to: 'blocked-2@dest.test', subject: 'blocked', text: 'x' });
    const first = await waitFor(async () => {
      const r = (await relay.admin.list())[0]?.recipients[0];
      return r?.state === 'deferred' ? r : null;
    }, 20_000, 'a deferral');
    expect(first!.lastReply).toMatchObject({ code: 554, enhanced: '5.7.1' });
    await senderMx.waitFor((m) => m.some((x) => x.body.toString().includes('blocked-2@dest.test') && x.body.toString().includes('Status: 4.4.7')), 20_000);
    const notices = senderMx.messages.filter((x) => x.body.toString().includes('blocked-2@dest.test')).map((x) => x.body.toString());
    expect(notices.some((n) => n.includes('Status: 5.7.1') && n.includes('Action: failed'))).toBe(false);
    const categories = await relay.db.query<{ category: string; outcome: string }>(
      "select category, outcome from attempt where domain = 'dest.test' and code = 554 order by id",
    );
    expect(categories.length).toBeGreaterThan(1);
    expect(categories.every((c) => c.category === 'policy-block' && c.outcome !== 'bounced')).toBe(true);
  });
});
