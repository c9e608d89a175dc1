// `relais stats`: what the relay sent lately, per sender and per destination.
import { parseArgs } from 'node:util';
import { COUNTERS, type Counts, type StatsReport } from '../../relay-core/stats/index.ts';

export const STATS_USAGE = 'usage: relais stats [--hours N] [--sender ADDRESS] [--json]';

function row(name: string, counts: Counts): string {
  return `${name.padEnd(40)} ${COUNTERS.map((c) => String(counts[c]).padStart(9)).join(' ')}`;
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
  const header = `${''.padEnd(40)} ${COUNTERS.map((c) => c.padStart(9)).join(' ')}`;
  deps.out(`since ${summary.since.toISOString()} (messages received; recipients delivered, deferred, bounced, expired)`);
  deps.out(header);
  deps.out(row('all', summary.totals));
  if (summary.senders.length) {
    deps.out('');
    deps.out('per sender');
    for (const s of summary.senders) deps.out(row(s.sender, s));
  }
  if (summary.destinations.length) {
    deps.out('');
    deps.out('per destination');
    for (const d of summary.destinations) deps.out(row(d.domain, d));
  }
  return 0;
}
