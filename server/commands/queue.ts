// `relais queue …`, in the spirit of postqueue -p and postsuper -d/-h/-H.
import { parseArgs } from 'node:util';
import { formatReply } from '../../relay-core/bounces/index.ts';
import type { QueueAdmin, QueuedMessage, QueueSelector } from '../../relay-core/queue/index.ts';

export const QUEUE_USAGE = `usage: relais queue list [--json] [--state STATE]
       relais queue retry|hold|release|delete <queue-id>|--all`;

function printMessages(messages: QueuedMessage[], out: (line: string) => void): void {
  if (messages.length === 0) {
    out('Mail queue is empty');
    return;
  }
  out('-Queue ID-           --Size-- ----Arrival Time---- -Sender/Recipient-------');
  let recipients = 0;
  for (const m of messages) {
    out(`${m.id.padEnd(20)} ${String(m.sizeBytes).padStart(7)} ${m.receivedAt.toISOString().slice(0, 19).replace('T', ' ')}  ${m.mailFrom || 'MAILER-DAEMON'}`);
    for (const r of m.recipients) {
      recipients++;
      const why = r.lastReply ? ` (${r.lastMx ? `${r.lastMx}: ` : ''}${formatReply(r.lastReply)})` : '';
      const when = r.state === 'deferred' ? ` next ${r.nextAttemptAt.toISOString()}` : '';
      out(`${' '.repeat(50)}${r.rcptTo} [${r.state}${when}]${why}`);
    }
    out('');
  }
  out(`-- ${messages.length} message(s), ${recipients} recipient(s).`);
}

function selectorOf(positionals: string[], all: boolean | undefined): QueueSelector | null {
  if (all && positionals.length === 0) return { all: true };
  if (!all && positionals.length === 1) return { messageId: positionals[0]!.toUpperCase() };
  return null;
}

export async function runQueueCommand(
  argv: string[],
  deps: { admin: QueueAdmin; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, all: { type: 'boolean' }, state: { type: 'string' } },
    });
  } catch (err) {
    deps.err(`relais queue: ${(err as Error).message}\n${QUEUE_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (sub === 'list') {
    const states = ['queued', 'active', 'deferred', 'held'];
    if (values.state && !states.includes(values.state)) {
      deps.err(`relais queue: --state must be one of ${states.join(', ')}`);
      return 2;
    }
    const messages = await deps.admin.list({ state: values.state as never });
    if (values.json) deps.out(JSON.stringify(messages, null, 2));
    else printMessages(messages, deps.out);
    return 0;
  }
  const actions = {
    retry: ['retry', 'recipient(s) scheduled for immediate delivery'],
    hold: ['hold', 'recipient(s) put on hold'],
    release: ['release', 'recipient(s) released from hold'],
    delete: ['remove', 'message(s) deleted'],
  } as const;
  if (sub && sub in actions) {
    const selector = selectorOf(positionals, values.all);
    if (!selector) {
      deps.err(`relais queue ${sub}: give one queue id or --all\n${QUEUE_USAGE}`);
      return 2;
    }
    const [method, what] = actions[sub as keyof typeof actions];
    const n = await deps.admin[method](selector);
    if ('messageId' in selector && n === 0) {
      deps.err(`relais queue ${sub}: ${selector.messageId}: no such message, or nothing to ${sub}`);
      return 1;
    }
    deps.out(values.json ? JSON.stringify({ [sub]: n }) : `relais queue ${sub}: ${n} ${what}`);
    return 0;
  }
  deps.err(QUEUE_USAGE);
  return 2;
}
