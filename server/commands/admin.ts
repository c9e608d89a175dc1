// `relais admin …`: admin accounts of the HTTPS API and console. Passwords
// are read from stdin only, never from the command line.
import { parseArgs } from 'node:util';
import { AccountError, type AdminAccounts } from '../../relay-core/accounts/index.ts';
import { readPassword } from './user.ts';

export const ADMIN_USAGE = `usage: relais admin add <login> --password-stdin
       relais admin passwd <login> --password-stdin
       relais admin list [--json]
       relais admin disable|enable|remove <login>`;

export async function runAdminAccountCommand(
  argv: string[],
  deps: { admins: AdminAccounts; stdin: NodeJS.ReadableStream; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' } } });
  } catch (e) {
    deps.err(`relais admin: ${(e as Error).message}\n${ADMIN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const login = positionals[0];
  const needsPassword = sub === 'add' || sub === 'passwd';
  if (needsPassword && !values['password-stdin']) {
    deps.err(`relais admin ${sub}: --password-stdin is required (a password on the command line would show in ps and shell history)\n${ADMIN_USAGE}`);
    return 2;
  }
  try {
    if (sub === 'list' && positionals.length === 0) {
      const admins = await deps.admins.list();
      if (values.json) deps.out(JSON.stringify(admins, null, 2));
      else if (admins.length === 0) deps.out('No admin accounts');
      else for (const a of admins) deps.out(`${a.login}${a.isDisabled ? ' (disabled)' : ''}  since ${a.createdAt.toISOString().slice(0, 10)}`);
      return 0;
    }
    if (login === undefined || positionals.length !== 1) {
      deps.err(ADMIN_USAGE);
      return 2;
    }
    if (sub === 'add') {
      const admin = await deps.admins.add(login, await readPassword(deps.stdin));
      deps.out(`admin ${admin.login} added`);
      return 0;
    }
    const done =
      sub === 'passwd' ? await deps.admins.setPassword(login, await readPassword(deps.stdin))
      : sub === 'disable' ? await deps.admins.setDisabled(login, true)
      : sub === 'enable' ? await deps.admins.setDisabled(login, false)
      : sub === 'remove' ? await deps.admins.remove(login)
      : null;
    if (done === null) {
      deps.err(ADMIN_USAGE);
      return 2;
    }
    if (!done) {
      deps.err(`relais admin: no admin ${login.slice(0, 60)}`);
      return 1;
    }
    deps.out(`admin ${login.trim().toLowerCase()}: ${sub === 'passwd' ? 'password changed' : `${sub}d`}`);
    return 0;
  } catch (e) {
    if (e instanceof AccountError) {
      deps.err(`relais admin: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
