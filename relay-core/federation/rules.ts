// The local rules on shared evidence: what the events held about one address
// (this relay's own and its peers') mean for this relay. Pure: the caller
// gives the events, the weight of each origin as trusted today, the last local
// successful delivery and the clock, so removing a peer or changing a setting
// is just judging again.
import type { FederationEventKind } from './event.ts';

/** Config `federation.*`; a threshold of 0 never suppresses. */
export interface RuleSettings {
  /** Distinct origins (this relay counts as one) an address needs before it is suppressed. */
  minOrigins: number;
  /** Sum of origin weights with a hard bounce. */
  hardWeight: number;
  /** Weighted count of soft bounces within softWindowDays. */
  softBounces: number;
  softWindowDays: number;
  /** Sum of origin weights with a complaint. */
  complaintWeight: number;
  /** Evidence older than this no longer counts. */
  maxAgeDays: number;
}

export interface HeldEvent {
  origin: string;
  kind: FederationEventKind;
  /** When the origin observed it. */
  at: Date;
}

export type ClaimKind = Exclude<FederationEventKind, 'recovered'>;

export interface Tally {
  /** Sum over the origins that count (weight above 0). */
  weight: number;
  origins: number;
  /** The newest event that counted. */
  lastAt: Date | null;
}

export interface Verdict {
  kind: ClaimKind;
  weight: number;
  origins: number;
  /** The newest evidence that made the verdict. */
  since: Date;
}

export interface Assessment {
  tallies: Record<ClaimKind, Tally>;
  /** The first rule met (hard bounces, then complaints, then soft bounces), or null: not suppressed. */
  verdict: Verdict | null;
}

const DAY_MS = 86_400_000;

/**
 * Judges one address. An origin's `recovered` event cancels that origin's
 * older claims; a local successful delivery cancels everyone's older claims;
 * an origin of weight 0 (a removed peer, a transitive origin without
 * transitive trust) counts for nothing; soft bounces count at most
 * `softBounces` per origin, so one origin can never reach the threshold by
 * repetition, and `minOrigins` distinct origins are needed in every case.
 */
export function judge(
  events: readonly HeldEvent[],
  weightOf: (origin: string) => number,
  localSuccessAt: Date | null,
  settings: RuleSettings,
  now: Date,
): Assessment {
  const oldest = now.getTime() - settings.maxAgeDays * DAY_MS;
  const softOldest = Math.max(oldest, now.getTime() - settings.softWindowDays * DAY_MS);
  const recoveredAt = new Map<string, number>();
  for (const e of events) {
    if (e.kind === 'recovered') recoveredAt.set(e.origin, Math.max(recoveredAt.get(e.origin) ?? 0, e.at.getTime()));
  }
  const successAt = localSuccessAt?.getTime() ?? 0;
  // Per kind, per origin: how many events still count, and the newest.
  const counted: Record<ClaimKind, Map<string, { count: number; lastAt: number }>> = {
    hard_bounce: new Map(), soft_bounce: new Map(), complaint: new Map(),
  };
  for (const e of events) {
    if (e.kind === 'recovered') continue;
    const at = e.at.getTime();
    if (at < (e.kind === 'soft_bounce' ? softOldest : oldest) || at > now.getTime() + DAY_MS) continue;
    if (at <= successAt || at <= (recoveredAt.get(e.origin) ?? 0)) continue;
    if (!(weightOf(e.origin) > 0)) continue;
    const byOrigin = counted[e.kind];
    const seen = byOrigin.get(e.origin);
    byOrigin.set(e.origin, { count: (seen?.count ?? 0) + 1, lastAt: Math.max(seen?.lastAt ?? 0, at) });
  }
  const tally = (kind: ClaimKind, perOriginCap: number): Tally => {
    let weight = 0;
    let lastAt = 0;
    for (const [origin, { count, lastAt: at }] of counted[kind]) {
      weight += weightOf(origin) * Math.min(count, perOriginCap);
      lastAt = Math.max(lastAt, at);
    }
    return { weight: round(weight), origins: counted[kind].size, lastAt: lastAt ? new Date(lastAt) : null };
  };
  const tallies: Record<ClaimKind, Tally> = {
    hard_bounce: tally('hard_bounce', 1),
    complaint: tally('complaint', 1),
    soft_bounce: tally('soft_bounce', Math.max(1, Math.ceil(settings.softBounces))),
  };
  const thresholds: [ClaimKind, number][] = [
    ['hard_bounce', settings.hardWeight], ['complaint', settings.complaintWeight], ['soft_bounce', settings.softBounces],
  ];
  for (const [kind, threshold] of thresholds) {
    const t = tallies[kind];
    if (threshold > 0 && t.weight >= threshold && t.origins >= settings.minOrigins && t.lastAt) {
      return { tallies, verdict: { kind, weight: t.weight, origins: t.origins, since: t.lastAt } };
    }
  }
  return { tallies, verdict: null };
}

/** Weights are sums of decimals (0.5 + 1 + 0.1): rounded so that 1.5 reaches a threshold of 1.5. */
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
