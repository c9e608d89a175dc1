// `relais stats`: what the relay sent lately, per sender and per destination.
import { parseArgs } from 'node:util';
import { COUNTERS, type CategoryCounts, type Counts, type StatsReport } from '../../relay-core/stats/index.ts';

export const STATS_USAGE = 'usage: relais stats [--hours N] [--sender ADDRESS] [--json]';

const COLUMNS = [...COUNTERS, 'complaints'] as const;

function row(name: string, counts: Counts & { complaints?: number; policyBlocks?: number }, last: 'complaints' | 'policyBlocks' = 'complaints'): string {
  const values = [...COUNTERS.map((c) => counts[c]), counts[last] ?? 0];
  return `${name.padEnd(40)} ${values.map((v) => String(v).padStart(10)).join(' ')}`;
}

function categoryLines(categories: CategoryCounts, indent: string): string[] {
  return categories.map((c) => `${indent}${c.outcome.padEnd(9)} ${c.category.padEnd(18)} ${String(c.count).padStart(9)}`);
}

export async function runStatsCommand(
  argv: string[],
  deps: { stats: StatsReport; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { hours: { type: 'string' }, sender: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (e) {
    deps.err(`relais stats: ${(e as Error).message}\n${STATS_USAGE}`);
    return 2;
  }
  const hours = parsed.values.hours === undefined ? 24 : Number(parsed.values.hours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 366) {
    deps.err(`relais stats: --hours must be a whole number from 1 to ${24 * 366}\n${STATS_USAGE}`);
    return 2;
  }
  const summary = await deps.stats.summary({ hours, sender: parsed.values.sender });
  if (parsed.values.json) {
    deps.out(JSON.stringify(summary, null, 2));
    return 0;
  }
  const header = (last: string) => `${''.padEnd(40)} ${[...COUNTERS, last].map((c) => c.padStart(10)).join(' ')}`;
  deps.out(`since ${summary.since.toISOString()} (messages received; recipients delivered, deferred, bounced, expired; complaints)`);
  deps.out(header(COLUMNS.at(-1)!));
  deps.out(row('all', summary.totals));
  if (summary.categories.length) {
    deps.out('');
    deps.out('failures by category');
    for (const line of categoryLines(summary.categories, '  ')) deps.out(line);
  }
  if (summary.senders.length) {
    deps.out('');
    deps.out('per sender');
    for (const s of summary.senders) {
      deps.out(row(s.sender, s));
      for (const line of categoryLines(s.categories, '    ')) deps.out(line);
    }
  }
  if (summary.destinations.length) {
    deps.out('');
    deps.out('per destination (last column: refusals of our reputation, policy blocks)');
    deps.out(header('blocks'));
    for (const d of summary.destinations) deps.out(row(d.domain, d, 'policyBlocks'));
  }
  return 0;
}
