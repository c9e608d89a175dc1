// `relais blacklist …`: senders and recipients refused at submission.
import { parseArgs } from 'node:util';
import { BlacklistError, type BlacklistService } from '../../relay-core/policy/index.ts';

export const BLACKLIST_USAGE = `usage: relais blacklist list [--json]
       relais blacklist add sender|recipient <address|@domain> --reason TEXT
       relais blacklist remove sender|recipient <address|@domain>`;

export async function runBlacklistCommand(
  argv: string[],
  deps: { blacklist: BlacklistService; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, reason: { type: 'string' } } });
  } catch (e) {
    deps.err(`relais blacklist: ${(e as Error).message}\n${BLACKLIST_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  try {
    if (sub === 'list' && positionals.length === 0) {
      const entries = await deps.blacklist.list();
      if (values.json) deps.out(JSON.stringify(entries, null, 2));
      else if (entries.length === 0) deps.out('Blacklists are empty');
      else for (const e of entries) deps.out(`${e.kind.padEnd(9)} ${e.pattern}  (${e.reason}; since ${e.createdAt.toISOString().slice(0, 10)})`);
      return 0;
    }
    if (sub === 'add' && positionals.length === 2) {
      if (values.reason === undefined) {
        deps.err(`relais blacklist add: --reason is required: it is shown to whoever is refused\n${BLACKLIST_USAGE}`);
        return 2;
      }
      const entry = await deps.blacklist.add(positionals[0]!, positionals[1]!, values.reason);
      deps.out(`${entry.pattern} added to the ${entry.kind} blacklist`);
      return 0;
    }
    if (sub === 'remove' && positionals.length === 2) {
      if (!(await deps.blacklist.remove(positionals[0]!, positionals[1]!))) {
        deps.err(`relais blacklist remove: ${positionals[1]} is not on the ${positionals[0]} blacklist`);
        return 1;
      }
      deps.out(`${positionals[1]} removed from the ${positionals[0]} blacklist`);
      return 0;
    }
  } catch (e) {
    if (e instanceof BlacklistError) {
      deps.err(`relais blacklist ${sub}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  deps.err(BLACKLIST_USAGE);
  return 2;
}
