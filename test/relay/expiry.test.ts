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
});
