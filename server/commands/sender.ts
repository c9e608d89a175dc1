// `relais sender …`: senders put on hold by a traffic spike or by an admin.
// A sender is an SMTP login, or from:ADDRESS for mail sent without AUTH.
import { parseArgs } from 'node:util';
import { AnomalyError, type AnomalyService, type SenderHold } from '../../relay-core/anomaly/index.ts';

export const SENDER_USAGE = `usage: relais sender list [--all] [--json]
       relais sender hold <login|from:ADDRESS> --reason TEXT
       relais sender release <login|from:ADDRESS>`;

/** How far back `list --all` shows released holds. */
const RELEASED_SHOWN_DAYS = 30;

function formatHold(h: SenderHold): string {
  const at = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  const by = h.source === 'spike' ? 'traffic spike' : `by ${h.heldBy ?? 'an admin'}`;
  const released = h.releasedAt ? `  released ${at(h.releasedAt)} by ${h.releasedBy ?? 'an admin'}` : '';
  return `${h.key}  held since ${at(h.since)} (${by}): ${h.reason}${released}`;
}

export async function runSenderCommand(
  argv: string[],
  deps: { anomaly: Pick<AnomalyService, 'holds' | 'hold' | 'release'>; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, all: { type: 'boolean' }, reason: { type: 'string' } },
    });
  } catch (e) {
    deps.err(`relais sender: ${(e as Error).message}\n${SENDER_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  try {
    if (sub === 'list' && positionals.length === 0 && values.reason === undefined) {
      const since = values.all ? new Date(Date.now() - RELEASED_SHOWN_DAYS * 86_400_000) : undefined;
      const holds = await deps.anomaly.holds({ includeReleasedSince: since });
      if (values.json) deps.out(JSON.stringify(holds, null, 2));
      else if (holds.length === 0) deps.out(values.all ? `No sender held in the last ${RELEASED_SHOWN_DAYS} days` : 'No sender is held');
      else for (const h of holds) deps.out(formatHold(h));
      return 0;
    }
    if (sub === 'hold' && positionals.length === 1 && !values.all && !values.json) {
      if (values.reason === undefined) {
        deps.err(`relais sender hold: --reason is required: it is shown to the sender in the 451 reply\n${SENDER_USAGE}`);
        return 2;
      }
      const { hold, recipients } = await deps.anomaly.hold(positionals[0]!, values.reason, 'cli');
      deps.out(`${hold.key} held: ${hold.reason}; ${recipients} queued recipient(s) put on hold`);
      return 0;
    }
    if (sub === 'release' && positionals.length === 1 && !values.all && !values.json && values.reason === undefined) {
      const { hold, recipients } = await deps.anomaly.release(positionals[0]!, 'cli');
      deps.out(`${hold.key} released; ${recipients} recipient(s) released from hold`);
      return 0;
    }
  } catch (e) {
    if (e instanceof AnomalyError) {
      deps.err(`relais sender ${sub}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  deps.err(SENDER_USAGE);
  return 2;
}
