// `relais suppression …`: recipients the relay no longer sends to.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SuppressionError, type SuppressionEntry, type SuppressionService } from '../../relay-core/policy/index.ts';

export const SUPPRESSION_USAGE = `usage: relais suppression list [--json] [--limit N]
       relais suppression add <address> --reason TEXT [--scope user:LOGIN|domain:DOMAIN] [--days N]
       relais suppression remove <address|hash:HEX> [--scope global|user:LOGIN|domain:DOMAIN]
       relais suppression check <address|hash:HEX> [--json]`;

const DAY_MS = 86_400_000;
const DEFAULT_LIMIT = 100;

type Deps = { suppressions: SuppressionService; out: (line: string) => void; err: (line: string) => void };

const OPTIONS: Record<string, { positionals: number; options: NonNullable<ParseArgsConfig['options']> }> = {
  list: { positionals: 0, options: { json: { type: 'boolean' }, limit: { type: 'string' } } },
  add: { positionals: 1, options: { reason: { type: 'string' }, scope: { type: 'string' }, days: { type: 'string' } } },
  remove: { positionals: 1, options: { scope: { type: 'string' } } },
  check: { positionals: 1, options: { json: { type: 'boolean' } } },
};

const day = (date: Date) => date.toISOString().slice(0, 10);
const scopeLabel = (scope: string) => scope || 'global';
const expiry = (e: SuppressionEntry) => (e.expiresAt ? `expires ${day(e.expiresAt)}` : 'never expires');

/** A whole number from 1 to `max`, or null. */
function count(text: string, max: number): number | null {
  if (!/^\d{1,9}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= max ? n : null;
}

export async function runSuppressionCommand(argv: string[], deps: Deps): Promise<number> {
  const [sub, ...rest] = argv;
  const spec = sub === undefined ? undefined : OPTIONS[sub];
  const usage = (problem?: string) => {
    deps.err(problem ? `relais suppression ${sub}: ${problem}\n${SUPPRESSION_USAGE}` : SUPPRESSION_USAGE);
    return 2;
  };
  if (!spec) return usage();
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: spec.options });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { positionals } = parsed;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (positionals.length !== spec.positionals) return usage();
  const target = positionals[0]!;
  const str = (name: string) => values[name] as string | undefined;
  try {
    if (sub === 'list') {
      const limit = str('limit') === undefined ? DEFAULT_LIMIT : count(str('limit')!, 1_000_000);
      if (limit === null) return usage('--limit takes a whole number from 1');
      const entries = await deps.suppressions.list({ limit });
      if (values.json) deps.out(JSON.stringify(entries, null, 2));
      else if (entries.length === 0) deps.out('The suppression list is empty');
      else {
        for (const e of entries) {
          deps.out(`${e.address ?? `hash:${e.recipientHash}`}  ${scopeLabel(e.scope)}  ${e.source}  "${e.reason}"  since ${day(e.createdAt)}  ${expiry(e)}`);
        }
        if (entries.length === limit) deps.out(`(the newest ${limit} entries; --limit N shows more)`);
      }
      return 0;
    }
    if (sub === 'add') {
      if (str('reason') === undefined) return usage('--reason is required: it is shown to whoever is refused');
      let expiresAt: Date | null = null;
      if (str('days') !== undefined) {
        const days = count(str('days')!, 36_500);
        if (days === null) return usage('--days takes a whole number of days from 1 to 36500');
        expiresAt = new Date(Date.now() + days * DAY_MS);
      }
      const entry = await deps.suppressions.add({ address: target, reason: str('reason')!, scope: str('scope'), expiresAt, by: 'cli' });
      deps.out(`${entry.address} suppressed (${scopeLabel(entry.scope)}), ${expiry(entry)}`);
      return 0;
    }
    if (sub === 'remove') {
      const removed = await deps.suppressions.remove(target, str('scope'));
      if (removed === 0) {
        deps.err(`relais suppression remove: ${target} is not suppressed${str('scope') === undefined ? '' : ` (${str('scope')})`}`);
        return 1;
      }
      deps.out(`${target}: ${removed} suppression ${removed === 1 ? 'entry' : 'entries'} removed`);
      return 0;
    }
    const report = await deps.suppressions.check(target);
    if (values.json) {
      deps.out(JSON.stringify(report, null, 2));
      return 0;
    }
    if (report.entries.length === 0) deps.out('not suppressed');
    for (const e of report.entries) deps.out(`suppressed (${scopeLabel(e.scope)}) since ${day(e.createdAt)}: ${e.reason}; ${expiry(e)}`);
    if (report.evidence.length === 0) deps.out('evidence: none');
    for (const ev of report.evidence) deps.out(`evidence: ${ev.count} ${ev.kind} ${ev.category}, last ${day(ev.lastAt)}`);
    if (report.outcomes.length === 0) deps.out('outcomes: none');
    for (const o of report.outcomes) deps.out(`outcomes: ${o.count} ${o.outcome} ${o.category}`);
    deps.out(`last success: ${report.lastSuccessOn ? day(report.lastSuccessOn) : 'none'}`);
    return 0;
  } catch (e) {
    if (e instanceof SuppressionError) {
      deps.err(`relais suppression ${sub}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
