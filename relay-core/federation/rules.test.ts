// The local rules on shared evidence, judged with a fixed clock.
import { describe, expect, it } from 'vitest';
import { judge, type HeldEvent, type RuleSettings } from './rules.ts';

const now = new Date('2026-11-28T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const settings: RuleSettings = { minOrigins: 2, hardWeight: 2, softBounces: 5, softWindowDays: 7, complaintWeight: 0, maxAgeDays: 14 };
const weights: Record<string, number> = { self: 1, b: 1, c: 1, heavy: 5, far: 0.5, removed: 0 };
const weightOf = (origin: string) => weights[origin] ?? 0;
const hard = (origin: string, days = 1): HeldEvent => ({ origin, kind: 'hard_bounce', at: ago(days) });
const soft = (origin: string, days = 1): HeldEvent => ({ origin, kind: 'soft_bounce', at: ago(days) });

describe('federated rules', () => {
  it('needs minOrigins distinct origins: one peer cannot suppress on its own word, whatever its weight or volume', () => {
    expect(judge([hard('heavy')], weightOf, null, settings, now).verdict).toBeNull();
    const flood = Array.from({ length: 100_000 }, (_, i) => hard('b', (i % 10) / 10));
    const result = judge(flood, weightOf, null, settings, now);
    expect(result.verdict).toBeNull();
    expect(result.tallies.hard_bounce).toMatchObject({ weight: 1, origins: 1 });
  });

  it('suppresses when weight and origins are both reached; local evidence is one origin', () => {
    const verdict = judge([hard('self'), hard('b', 2)], weightOf, null, settings, now).verdict;
    expect(verdict).toMatchObject({ kind: 'hard_bounce', weight: 2, origins: 2 });
    expect(verdict!.since).toEqual(ago(1));
  });

  it('weighs transitive origins lower, and an origin of weight 0 (removed peer) not at all', () => {
    expect(judge([hard('b'), hard('far')], weightOf, null, settings, now).verdict).toBeNull();
    expect(judge([hard('b'), hard('far')], weightOf, null, { ...settings, hardWeight: 1.5 }, now).verdict).toMatchObject({ weight: 1.5 });
    expect(judge([hard('b'), hard('removed')], weightOf, null, { ...settings, hardWeight: 1 }, now).verdict).toBeNull();
    expect(judge([hard('b'), hard('unknown')], weightOf, null, { ...settings, hardWeight: 1 }, now).verdict).toBeNull();
  });

  it('lets evidence decay after maxAgeDays', () => {
    expect(judge([hard('b', 20), hard('c', 20)], weightOf, null, settings, now).verdict).toBeNull();
    expect(judge([hard('b', 13), hard('c', 13)], weightOf, null, settings, now).verdict).not.toBeNull();
  });

  it('cancels an origin\'s older claims when it reports the address recovered', () => {
    const events: HeldEvent[] = [hard('b', 3), hard('c', 3), { origin: 'b', kind: 'recovered', at: ago(2) }];
    expect(judge(events, weightOf, null, settings, now).verdict).toBeNull();
    expect(judge([...events, hard('b', 1)], weightOf, null, settings, now).verdict).not.toBeNull();
  });

  it('lets a recent local successful delivery override older remote claims, not newer ones', () => {
    const events = [hard('b', 3), hard('c', 3)];
    expect(judge(events, weightOf, ago(2), settings, now).verdict).toBeNull();
    expect(judge(events, weightOf, ago(4), settings, now).verdict).not.toBeNull();
  });

  it('counts soft bounces within the window, at most the threshold per origin; each relay sets its own threshold', () => {
    const fromB = Array.from({ length: 10 }, () => soft('b', 1));
    expect(judge(fromB, weightOf, null, settings, now).verdict).toBeNull();
    const both = [soft('b'), soft('b'), soft('c')];
    expect(judge(both, weightOf, null, { ...settings, softBounces: 3 }, now).verdict).toMatchObject({ kind: 'soft_bounce', weight: 3 });
    expect(judge(both, weightOf, null, { ...settings, softBounces: 20 }, now).verdict).toBeNull();
    expect(judge([soft('b', 8), soft('c', 8), soft('c', 8)], weightOf, null, { ...settings, softBounces: 3 }, now).verdict).toBeNull();
  });

  it('shares complaints without suppressing unless the operator sets a complaint weight', () => {
    const events: HeldEvent[] = [{ origin: 'b', kind: 'complaint', at: ago(1) }, { origin: 'c', kind: 'complaint', at: ago(1) }];
    expect(judge(events, weightOf, null, settings, now).verdict).toBeNull();
    expect(judge(events, weightOf, null, { ...settings, complaintWeight: 2 }, now).verdict).toMatchObject({ kind: 'complaint' });
  });

  it('ignores claims dated far in the future and never suppresses with a threshold of 0', () => {
    const future = [{ origin: 'b', kind: 'hard_bounce', at: new Date(now.getTime() + 3 * DAY) }, hard('c')] as HeldEvent[];
    expect(judge(future, weightOf, null, settings, now).verdict).toBeNull();
    expect(judge([hard('b'), hard('c')], weightOf, null, { ...settings, hardWeight: 0 }, now).verdict).toBeNull();
  });
});
