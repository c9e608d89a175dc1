// `relais user …`: local SMTP users. Passwords are only ever read from stdin,
// never from the command line, where `ps` and shell history would show them.
import { parseArgs } from 'node:util';
import { UserError, type UserService } from '../../relay-core/auth/index.ts';

export const USER_USAGE = `usage: relais user add <login> --password-stdin --allow-sender <address|@domain> [--allow-sender …]
       relais user list [--json]
       relais user remove <login>
       relais user passwd <login> --password-stdin
       relais user senders <login> --allow-sender <address|@domain> [--allow-sender …]
       relais user disable|enable <login>
       relais user quota <login> [--per-hour N|none] [--per-day N|none]`;

export interface UserCommandDeps {
  users: UserService;
  stdin: NodeJS.ReadableStream;
  out: (line: string) => void;
  /** Where errors go; `out` when not given. */
  err?: (line: string) => void;
}

/** Which positionals and options each subcommand takes. */
const SUBCOMMANDS: Record<string, { login: boolean; password?: boolean; senders?: boolean; quota?: boolean }> = {
  add: { login: true, password: true, senders: true },
  list: { login: false },
  remove: { login: true },
  passwd: { login: true, password: true },
  senders: { login: true, senders: true },
  disable: { login: true },
  enable: { login: true },
  quota: { login: true, quota: true },
};

/** A quota as typed: a whole number, or `none`; undefined when not given. Throws UserError for anything else. */
function parseQuota(name: string, text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'none') return null;
  if (!/^[0-9]{1,15}$/.test(text.trim())) throw new UserError('INVALID_INPUT', `bad ${name} quota "${text}": give a whole number of messages, or none`);
  return Number(text.trim());
}

export async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Runs one `relais user` subcommand; returns the exit code (1: refused, 2: usage). */
export async function runUserCommand(argv: string[], deps: UserCommandDeps): Promise<number> {
  const fail = deps.err ?? deps.out;
  const args = argv[0] === 'user' ? argv.slice(1) : argv;
  const [sub, ...rest] = args;
  const spec = sub === undefined ? undefined : SUBCOMMANDS[sub];
  if (!spec) {
    fail(sub === undefined ? USER_USAGE : `relais user: unknown subcommand "${sub}"\n${USER_USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'password-stdin': { type: 'boolean' },
        'allow-sender': { type: 'string', multiple: true },
        'per-hour': { type: 'string' },
        'per-day': { type: 'string' },
      },
    });
  } catch (err) {
    fail(`relais user ${sub}: ${(err as Error).message}\n${USER_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const isMisused =
    (values.json && sub !== 'list') || (values['password-stdin'] && !spec.password) || (values['allow-sender'] && !spec.senders) ||
    ((values['per-hour'] !== undefined || values['per-day'] !== undefined) !== Boolean(spec.quota));
  if (positionals.length !== (spec.login ? 1 : 0) || isMisused) {
    fail(`relais user ${sub}: wrong arguments\n${USER_USAGE}`);
    return 2;
  }
  const login = positionals[0] ?? '';
  if (spec.password && !values['password-stdin']) {
    fail(`relais user ${sub}: --password-stdin is required (passwords are never taken from the command line)`);
    return 1;
  }
  const senders = values['allow-sender'] ?? [];
  if (spec.senders && senders.length === 0) {
    fail(`relais user ${sub}: at least one --allow-sender <address|@domain> is required`);
    return 1;
  }
  const notFound = () => {
    fail(`relais user ${sub}: no such user "${login}"`);
    return 1;
  };

  try {
    switch (sub) {
      case 'add':
        await deps.users.add(login, await readPassword(deps.stdin), senders);
        deps.out(`user ${login.toLowerCase()} added, may send as ${senders.map((s) => s.toLowerCase()).join(', ')}`);
        return 0;
      case 'list': {
        const users = await deps.users.list();
        if (values.json) {
          deps.out(JSON.stringify(users, null, 2));
        } else if (users.length === 0) {
          deps.out('no users');
        } else {
          for (const u of users) {
            const state = u.isDisabled ? ' [disabled]' : '';
            const quotas = [u.quotaPerHour !== null ? `${u.quotaPerHour}/hour` : '', u.quotaPerDay !== null ? `${u.quotaPerDay}/day` : ''].filter(Boolean);
            const quota = quotas.length ? `  quota: ${quotas.join(', ')}` : '';
            deps.out(`${u.login}${state}  created ${u.createdAt.toISOString().slice(0, 10)}  senders: ${u.allowedSenders.join(', ')}${quota}`);
          }
        }
        return 0;
      }
      case 'remove':
        if (!(await deps.users.remove(login))) return notFound();
        deps.out(`user ${login.toLowerCase()} removed`);
        return 0;
      case 'passwd':
        if (!(await deps.users.setPassword(login, await readPassword(deps.stdin)))) return notFound();
        deps.out(`password of ${login.toLowerCase()} changed`);
        return 0;
      case 'senders':
        if (!(await deps.users.setAllowedSenders(login, senders))) return notFound();
        deps.out(`${login.toLowerCase()} may now send as ${senders.map((s) => s.toLowerCase()).join(', ')}`);
        return 0;
      case 'quota': {
        const change = { perHour: parseQuota('hourly', values['per-hour']), perDay: parseQuota('daily', values['per-day']) };
        if (!(await deps.users.setQuotas(login, change))) return notFound();
        const shown = (n: number | null | undefined, per: string, none: string) => (n === undefined ? [] : [n === null ? none : `${n} messages per ${per}`]);
        const parts = [...shown(change.perHour, 'hour', 'no hourly quota'), ...shown(change.perDay, 'day', 'no daily quota')];
        deps.out(`quota of ${login.toLowerCase()}: ${parts.join(', ')}`);
        return 0;
      }
      default: {
        const isDisabled = sub === 'disable';
        if (!(await deps.users.setDisabled(login, isDisabled))) return notFound();
        deps.out(`user ${login.toLowerCase()} ${isDisabled ? 'disabled' : 'enabled'}`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UserError) {
      fail(`relais user ${sub}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
