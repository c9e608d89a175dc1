// A destination that blocks us (policy block) or asks us to slow down (rate
// limit): the recipient is deferred, never bounced nor counted against the
// address; one alert per destination and hour; and this node sends the
// destination nothing while the pause lasts, while other destinations flow.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SinkMx } from '../support/sink-mx.ts';
import { DeliveryHarness, waitUntil } from './harness.ts';

let h: DeliveryHarness;
let blockingMx: SinkMx;
let otherMx: SinkMx;

beforeAll(async () => {
  h = await DeliveryHarness.open('127.0.4.');
  blockingMx = await h.sink(2);
  otherMx = await h.sink(3);
  h.dns.setZone({
    'blocking.test': { mx: [{ preference: 10, exchange: 'mx.blocking.test' }] },
    'mx.blocking.test': { a: [h.ip(2)] },
    'other.test': { mx: [{ preference: 10, exchange: 'mx.other.test' }] },
    'mx.other.test': { a: [h.ip(3)] },
  });
});
afterEach(async () => h.reset());
afterAll(async () => h?.close());

describe('slowing down for a destination', () => {
  for (const local of ['blocked', 'ratelimit']) {
    it(`after "${local}", pauses that destination only; the recipient is deferred, nothing is suppressed`, async () => {
      await h.enqueue([`${local}@blocking.test`], `${local}-first`);
      const delivery = h.delivery({ throttlePauseMs: 60_000 });
      delivery.start();
      await waitUntil(async () => (await h.recipient(`${local}@blocking.test`))?.state === 'deferred', 'the deferral');
      expect(delivery.status().throttled['blocking.test']).toMatchObject({ maxSessions: 0 });

      // Mail for the paused destination waits; mail for another flows.
      await h.enqueue(['accept@blocking.test'], `${local}-waits`);
      await h.enqueue(['accept@other.test'], `${local}-flows`);
      await otherMx.waitFor((m) => m.length === 1, 5000);
      await delivery.stop();
      expect(blockingMx.messages).toEqual([]);
      expect((await h.recipient('accept@blocking.test'))?.state).toBe('queued');
      expect(await h.db.query('select * from bounce_evidence')).toEqual([]);
      expect(await h.db.query('select * from suppression')).toEqual([]);
    });
  }

  it('raises one alert per blocking destination and hour, never for a rate limit', async () => {
    await h.db.query('delete from alert');
    await h.db.query('delete from event');
    for (let i = 0; i < 3; i++) await h.enqueue([`blocked${i}@blocking.test`], `block-${i}`);
    await h.enqueue(['ratelimit@other.test'], 'rate');
    h.delivery({ throttlePauseMs: 60_000 }).start();
    await waitUntil(async () => (await h.db.query("select 1 from attempt where domain = 'other.test' and category = 'rate-limited'")).length === 1, 'the rate limit');
    await waitUntil(async () => (await h.db.query("select 1 from attempt where category = 'policy-block'")).length >= 1, 'a policy block');
    const alerts = await h.db.query<{ kind: string; subject: string; detail: { enhanced: string; text: string } }>('select kind, subject, detail from alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'policy-block', subject: 'blocking.test', detail: { enhanced: '5.7.1' } });
    expect(alerts[0]!.detail.text).toContain('zen.spamhaus.org');
    const events = await h.db.query<{ type: string }>("select type from event where type = 'alert.raised'");
    expect(events).toHaveLength(1);
  });
});
