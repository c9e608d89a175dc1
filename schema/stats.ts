// Counters as time series: for the whole relay or one sender (sender_stat)
// or one destination domain (destination_stat), in hour buckets or summed by
// UTC day. One key at a time: a sender is never paired with a destination.
// Admins and read tokens see any series; a mail user only those of senders
// they may use (their allowed senders), never the whole relay nor a domain.
import { isSenderAllowed, normalizeSenderPattern } from '../relay-core/auth/index.ts';
import { COUNTERS, type Counts, type HourlyCounts } from '../relay-core/stats/index.ts';
import { builder } from './builder.ts';
import { ownLogin, type ApiContext } from './context.ts';
import { problem, ProblemRef, type Problem } from './problems.ts';

type Scope = 'GLOBAL' | 'SENDER' | 'DOMAIN';
type Bucket = 'HOUR' | 'DAY';

const StatsScopeRef = builder.enumType('StatsScope', {
  values: {
    GLOBAL: { description: 'The whole relay (every sender).' },
    SENDER: { description: 'One envelope sender (key: its address).' },
    DOMAIN: { description: 'One destination domain (key: the domain).' },
  } as const,
});
const StatsBucketRef = builder.enumType('StatsBucket', {
  values: { HOUR: { description: 'Clock hours (UTC).' }, DAY: { description: 'UTC days, summed from hours; the first may be partial.' } } as const,
});

interface Point extends Counts {
  at: Date;
  /** null: not counted per destination (complaints name a sender). */
  complaints: number | null;
}

interface Series {
  scope: Scope;
  key: string | null;
  bucket: Bucket;
  since: Date;
  points: Point[];
  problem: Problem | null;
}

const StatsPointRef = builder.objectRef<Point>('StatsPoint').implement({
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'Start of the bucket.' }),
    received: t.exposeInt('received'),
    delivered: t.exposeInt('delivered'),
    deferred: t.exposeInt('deferred'),
    bounced: t.exposeInt('bounced'),
    expired: t.exposeInt('expired'),
    complaints: t.exposeInt('complaints', { nullable: true, description: 'null for a destination domain: complaints are counted per sender.' }),
  }),
});

const StatsSeriesRef = builder.objectRef<Series>('StatsSeries').implement({
  authScopes: { read: true, user: true },
  fields: (t) => ({
    scope: t.expose('scope', { type: StatsScopeRef }),
    key: t.exposeString('key', { nullable: true }),
    bucket: t.expose('bucket', { type: StatsBucketRef }),
    since: t.expose('since', { type: 'DateTime', description: 'Start of the window: the first hour counted.' }),
    points: t.expose('points', { type: [StatsPointRef], description: 'Oldest first, one per bucket, zeros included.' }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (s) => s.problem }),
  }),
});

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_HOURS = 24 * 366;
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;

/** The stored key (lower-case address or domain), or a Problem. */
function keyOf(scope: Scope, key: string | null | undefined): string | null | { problem: Problem } {
  if (scope === 'GLOBAL') return key == null ? null : problem('INVALID_INPUT', 'GLOBAL takes no key');
  if (key == null || key.trim() === '') return problem('INVALID_INPUT', `${scope} needs a key: ${scope === 'SENDER' ? 'an address' : 'a domain'}`);
  if (key.length > 254 || CONTROL.test(key)) return problem('INVALID_INPUT', 'the key must be one line of at most 254 characters');
  const pattern = normalizeSenderPattern(scope === 'SENDER' ? key : `@${key.trim()}`);
  if (scope === 'SENDER' && (pattern === null || pattern.startsWith('@'))) return problem('INVALID_INPUT', 'SENDER needs one address (user@example.org)');
  if (scope === 'DOMAIN' && pattern === null) return problem('INVALID_INPUT', 'DOMAIN needs a domain name like example.org');
  return scope === 'SENDER' ? pattern! : pattern!.slice(1);
}

/** Whether the viewer may read this series: a mail user, only a sender they may use. */
async function mayRead(ctx: ApiContext, scope: Scope, key: string | null): Promise<boolean> {
  const own = ownLogin(ctx.viewer);
  if (own === null) return true;
  if (scope !== 'SENDER' || key === null) return false;
  const user = (await ctx.services.users.list()).find((u) => u.login === own);
  return user !== undefined && !user.isDisabled && isSenderAllowed(user.allowedSenders, key);
}

/** One point per bucket from `since` to now, zeros where nothing was counted. */
function pointsOf(rows: HourlyCounts[], since: Date, bucket: Bucket, hasComplaints: boolean): Point[] {
  const size = bucket === 'HOUR' ? HOUR_MS : DAY_MS;
  const first = Math.floor(since.getTime() / size) * size;
  const last = Math.floor(Date.now() / size) * size;
  const points = new Map<number, Point>();
  for (let at = first; at <= last; at += size) {
    points.set(at, { at: new Date(at), ...(Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counts), complaints: hasComplaints ? 0 : null });
  }
  for (const row of rows) {
    const point = points.get(Math.floor(new Date(row.bucket).getTime() / size) * size);
    if (!point) continue;
    for (const c of COUNTERS) point[c] += Number(row[c] ?? 0);
    if (point.complaints !== null) point.complaints += Number(row.complaints ?? 0);
  }
  return [...points.values()];
}

builder.queryField('stats', (t) =>
  t.field({
    type: StatsSeriesRef,
    authScopes: { read: true, user: true },
    description: `Counters over the last \`hours\` (1 to ${MAX_HOURS}, whole hours up to now). A mail user may ask only for SENDER series of their own senders.`,
    args: {
      scope: t.arg({ type: StatsScopeRef, required: true }),
      key: t.arg.string({ description: 'The sender address (SENDER) or destination domain (DOMAIN); none for GLOBAL.' }),
      bucket: t.arg({ type: StatsBucketRef, defaultValue: 'HOUR' }),
      hours: t.arg.int({ defaultValue: 24 }),
    },
    resolve: async (_r, args, ctx): Promise<Series> => {
      const scope = args.scope;
      const bucket = args.bucket ?? 'HOUR';
      const hours = args.hours ?? 24;
      const windowHours = Math.min(Math.max(hours, 1), MAX_HOURS);
      const since = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (windowHours - 1) * HOUR_MS);
      const refuse = (found: { problem: Problem }, key: string | null = null): Series => ({ scope, key, bucket, since, points: [], problem: found.problem });
      if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS) return refuse(problem('INVALID_INPUT', `hours must be from 1 to ${MAX_HOURS}`));
      const key = keyOf(scope, args.key);
      if (key !== null && typeof key !== 'string') return refuse(key);
      if (!(await mayRead(ctx, scope, key))) return refuse(problem('FORBIDDEN', 'a mail user may read only the stats of their own senders'), key);
      const rows = await ctx.services.stats.hourly(scope === 'GLOBAL' ? { kind: 'all' } : { kind: scope === 'DOMAIN' ? 'domain' : 'sender', key: key! }, since);
      return { scope, key, bucket, since, points: pointsOf(rows, since, bucket, scope !== 'DOMAIN'), problem: null };
    },
  }),
);
