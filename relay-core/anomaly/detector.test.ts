import { describe, expect, it } from 'vitest';
import { emptyBaseline, learnHour, PEAK_HALF_LIFE_HOURS, type Baseline } from './baseline.ts';
import { SpikeDetector, type AnomalySettings, type Spike } from './detector.ts';

const SETTINGS: AnomalySettings = {
  action: 'hold', windowMinutes: 60, factor: 4, minMessages: 20, baselineHours: 168, bounceRate: 0.3, minBounceSample: 20,
  distinctDomainsFactor: 4, minDistinctDomains: 10, flushIntervalMs: 15_000,
};
const T0 = Date.UTC(2026, 10, 2, 9, 0);
const MINUTE = 60_000;

function baseline(volume: Partial<Baseline['volume']>, domains: Partial<Baseline['domains']> = {}): Baseline {
  return { hours: 168, volume: { mean: 0, dev: 0, peak: 0, ...volume }, domains: { mean: 0, dev: 0, peak: 0, ...domains } };
}

/** Records `n` messages for `key`, one second apart from `at`; returns the first spike. */
function send(d: SpikeDetector, key: string, n: number, at = T0, domains = ['dest.test']): Spike | null {
  let first: Spike | null = null;
  for (let i = 0; i < n; i++) first ??= d.record(key, `${key}@example.org`, domains, at + i * 1000);
  return first;
}

describe('baseline learning', () => {
  it('learns a steady hourly volume whose deviation narrows, and fades it through quiet hours', () => {
    let b = emptyBaseline();
    for (let h = 0; h < 48; h++) b = learnHour(b, { messages: h % 2 ? 12 : 8, domains: 3 }, 168);
    expect(b.hours).toBe(48);
    expect(b.volume.mean).toBeCloseTo(10, 0);
    expect(b.volume.dev).toBeGreaterThan(1);
    expect(b.volume.dev).toBeLessThan(3);
    expect(b.volume.peak).toBeGreaterThan(11.5);
    expect(b.domains.mean).toBeCloseTo(3, 5);
    const before = b;
    for (let h = 0; h < PEAK_HALF_LIFE_HOURS; h++) b = learnHour(b, { messages: 0, domains: 0 }, 168);
    expect(b.volume.mean).toBeLessThan(before.volume.mean / 2);
    expect(b.volume.peak).toBeCloseTo(before.volume.peak / 2, 5);
  });

  it('weighs the first hours as a plain average, starting with the first hour as its own deviation', () => {
    const first = learnHour(emptyBaseline(), { messages: 10, domains: 2 }, 168);
    expect(first.volume).toEqual({ mean: 10, dev: 10, peak: 10 });
    const second = learnHour(first, { messages: 20, domains: 2 }, 168);
    expect(second.volume.mean).toBe(15);
  });
});

describe('volume spikes', () => {
  it('never calls a quiet sender a spike below the floor, whatever its history', () => {
    const d = new SpikeDetector(SETTINGS);
    expect(send(d, 'quiet', 19)).toBeNull();
    expect(d.record('quiet', 'quiet@example.org', ['dest.test'], T0 + 30_000)).toMatchObject({ signal: 'volume', messages: 20, limit: 20 });
  });

  it('is a spike only above the usual hourly volume plus k deviations', () => {
    const d = new SpikeDetector(SETTINGS);
    d.setBaselines(new Map([['alice', baseline({ mean: 30, dev: 5, peak: 40 })]]));
    expect(send(d, 'alice', 50)).toBeNull();
    expect(d.record('alice', 'alice@example.org', ['dest.test'], T0 + 60_000)).toMatchObject({
      key: 'alice', signal: 'volume', messages: 51, usualPerHour: 30, limit: 51, relayRatio: 1,
    });
  });

  it('does not call a sender busy at its usual peak hour a spike (a daily newsletter)', () => {
    const d = new SpikeDetector(SETTINGS);
    d.setBaselines(new Map([['news', baseline({ mean: 4, dev: 8, peak: 100 })]]));
    expect(send(d, 'news', 100)).toBeNull();
    expect(d.record('news', 'news@example.org', ['dest.test'], T0 + 200_000)?.signal).toBe('volume');
  });

  it('forgets messages that left the sliding window', () => {
    const d = new SpikeDetector({ ...SETTINGS, windowMinutes: 10 });
    expect(send(d, 'bob', 15, T0)).toBeNull();
    expect(send(d, 'bob', 15, T0 + 11 * MINUTE)).toBeNull();
    expect(send(d, 'bob', 5, T0 + 12 * MINUTE)?.signal).toBe('volume');
  });

  it('counts other nodes\' messages in the window', () => {
    const d = new SpikeDetector(SETTINGS);
    d.setRemote({ window: new Map([['carol', 15]]), hour: new Map(), day: new Map(), hourIndex: 0, dayIndex: 0 });
    expect(send(d, 'carol', 4)).toBeNull();
    expect(d.record('carol', 'carol@example.org', [], T0 + 10_000)).toMatchObject({ messages: 20 });
  });
});

describe('relay-wide normalisation', () => {
  const SENDERS = Array.from({ length: 10 }, (_, i) => `user${i}`);
  /** Ten senders who usually send 50 an hour (usual bound 70). */
  function relay(): SpikeDetector {
    const d = new SpikeDetector(SETTINGS);
    d.setBaselines(new Map(SENDERS.map((s) => [s, baseline({ mean: 50, dev: 5, peak: 55 })])));
    return d;
  }
  /** Round-robin sending, as traffic interleaves: `counts[i]` messages for SENDERS[i] over the hour. */
  function interleave(d: SpikeDetector, counts: number[]): Spike[] {
    const spikes: Spike[] = [];
    const rounds = Math.max(...counts);
    for (let r = 0; r < rounds; r++) {
      SENDERS.forEach((s, i) => {
        const perRound = Math.ceil(counts[i]! / rounds);
        for (let k = 0; k < perRound && r * perRound + k < counts[i]!; k++) {
          const spike = d.record(s, `${s}@example.org`, ['dest.test'], T0 + r * 30_000);
          if (spike) spikes.push(spike);
        }
      });
    }
    return spikes;
  }

  it('holds nobody on a newsletter day when every sender sends twice its usual', () => {
    expect(interleave(relay(), SENDERS.map(() => 100))).toEqual([]);
  });

  it('still finds the one sender at twice its usual on an ordinary day', () => {
    const spikes = interleave(relay(), SENDERS.map((_, i) => (i === 0 ? 100 : 50)));
    expect(new Set(spikes.map((s) => s.key))).toEqual(new Set(['user0']));
  });

  it('still finds a sender at twenty times its usual on a newsletter day', () => {
    const spikes = interleave(relay(), SENDERS.map((_, i) => (i === 0 ? 1000 : 100)));
    expect(spikes[0]).toMatchObject({ key: 'user0', signal: 'volume' });
    expect(spikes.some((s) => s.key !== 'user0')).toBe(false);
  });
});

describe('distinct destination domains', () => {
  it('is a spike when a sender suddenly mails many more domains than usual, not when it mails more of the usual ones', () => {
    const d = new SpikeDetector(SETTINGS);
    d.setBaselines(new Map([
      ['dora', baseline({ mean: 100, dev: 10 }, { mean: 2, dev: 1, peak: 3 })],
      ['eve', baseline({ mean: 100, dev: 10 }, { mean: 2, dev: 1, peak: 3 })],
    ]));
    expect(send(d, 'eve', 60, T0, ['a.test', 'b.test', 'c.test'])).toBeNull();
    let spike: Spike | null = null;
    for (let i = 0; i < 10 && !spike; i++) spike = d.record('dora', 'dora@example.org', [`d${i}.test`], T0 + i * 1000);
    expect(spike).toMatchObject({ key: 'dora', signal: 'distinctDomains', domains: 10, usualPerHour: 2, limit: 10 });
  });

  it('writes out how many domains, never which', () => {
    const d = new SpikeDetector(SETTINGS);
    send(d, 'frank', 3, T0, ['secret-one.test', 'secret-two.test']);
    const rows = d.takeUnflushed();
    expect(rows).toEqual([{ key: 'frank', minute: Math.floor(T0 / MINUTE), messages: 3, domains: 2 }]);
    expect(JSON.stringify(rows)).not.toContain('secret');
    expect(d.takeUnflushed()).toEqual([]);
  });
});

describe('bounce rate', () => {
  it('judges a share of bounced recipients only past the minimum sample', () => {
    const d = new SpikeDetector(SETTINGS);
    expect(d.judgeBounces('gina', { delivered: 5, bounced: 14 })).toBeNull();
    expect(d.judgeBounces('gina', { delivered: 15, bounced: 5 })).toBeNull();
    expect(d.judgeBounces('gina', { delivered: 14, bounced: 6 })).toEqual({ key: 'gina', signal: 'bounceRate', bounced: 6, recipients: 20, rate: 0.3, limit: 0.3 });
    expect(new SpikeDetector({ ...SETTINGS, bounceRate: 0 }).judgeBounces('gina', { delivered: 0, bounced: 100 })).toBeNull();
  });
});

describe('quotas', () => {
  it('refuses a login past its hourly quota until the next hour, and past its daily quota until the next day', () => {
    const d = new SpikeDetector(SETTINGS);
    d.setQuotas(new Map([['hana', { perHour: 5, perDay: 8 }], ['ivan', { perHour: null, perDay: null }]]));
    send(d, 'hana', 4, T0);
    expect(d.quotaRefusal('hana', T0 + MINUTE)).toBeNull();
    send(d, 'hana', 1, T0 + MINUTE);
    expect(d.quotaRefusal('hana', T0 + 2 * MINUTE)).toBe('Hourly quota of 5 messages reached; try again later');
    expect(d.quotaRefusal('hana', T0 + 60 * MINUTE)).toBeNull();
    send(d, 'hana', 3, T0 + 60 * MINUTE);
    expect(d.quotaRefusal('hana', T0 + 61 * MINUTE)).toBe('Daily quota of 8 messages reached; try again later');
    expect(d.quotaRefusal('hana', T0 + 24 * 60 * MINUTE)).toBeNull();
    send(d, 'ivan', 30, T0);
    expect(d.quotaRefusal('ivan', T0 + MINUTE)).toBeNull();
  });

  it('adds the counts of other nodes for the same hour and day only', () => {
    const d = new SpikeDetector(SETTINGS);
    const hourIndex = Math.floor(T0 / 3_600_000);
    d.setQuotas(new Map([['jo', { perHour: 5, perDay: null }]]));
    d.setRemote({ window: new Map(), hour: new Map([['jo', 4]]), day: new Map([['jo', 4]]), hourIndex, dayIndex: Math.floor(T0 / 86_400_000) });
    expect(d.quotaRefusal('jo', T0)).toBeNull();
    send(d, 'jo', 1, T0);
    expect(d.quotaRefusal('jo', T0 + 1000)).toContain('Hourly quota of 5');
    expect(d.quotaRefusal('jo', T0 + 60 * MINUTE)).toBeNull();
  });
});
