// The `relais` command: start, migrate, config, and the Postfix-like admin
// commands (user, queue). Admin commands go through the control socket of a
// running relais when it holds the embedded database, else to the database.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { AnomalyService } from '../relay-core/anomaly/index.ts';
import { UserService } from '../relay-core/auth/index.ts';
import { checkConfigFile, ConfigError, describeConfig, loadConfig, type Config } from '../relay-core/config/index.ts';
import { EventBus } from '../relay-core/events/index.ts';
import { jsonLogger, silentLogger } from '../relay-core/log.ts';
import { BlacklistService, SuppressionService } from '../relay-core/policy/index.ts';
import { QueueAdmin } from '../relay-core/queue/index.ts';
import { addressHasher, loadRelaySecret, StatsReport } from '../relay-core/stats/index.ts';
import { ADMIN_COMMANDS, runAdminCommand } from './commands/index.ts';
import { ADMIN_USAGE } from './commands/admin.ts';
import { BLACKLIST_USAGE } from './commands/blacklist.ts';
import { QUEUE_USAGE } from './commands/queue.ts';
import { SENDER_USAGE } from './commands/sender.ts';
import { STATS_USAGE } from './commands/stats.ts';
import { SUPPRESSION_USAGE } from './commands/suppression.ts';
import { USER_USAGE } from './commands/user.ts';
import { sendControlRequest } from './control.ts';
import { AdminAccounts } from '../relay-core/accounts/index.ts';
import { FEDERATION_USAGE } from './commands/federation.ts';
import { loadTlsCredentials } from '../relay-core/submission/index.ts';
import { openFederation, openMigratedDb, startRelay } from './relay.ts';

const USAGE = `usage: relais [--config FILE] <command>

  start                      run the relay (SMTP submission, delivery, HTTP)
  migrate                    create or update the database schema
  config show                print the effective configuration (secrets masked)
  config check FILE          validate a configuration file
${[ADMIN_USAGE, USER_USAGE, QUEUE_USAGE, BLACKLIST_USAGE, SUPPRESSION_USAGE, STATS_USAGE, SENDER_USAGE, FEDERATION_USAGE].join('\n').split('\n').map((l) => `  ${l.replace(/^(usage: )?\s*relais /, '')}`).join('\n')}

The configuration is read from --config FILE, $RELAIS_CONFIG or ./relais.toml,
then RELAIS_* environment variables (see 'relais config show').`;

const out = (line: string) => process.stdout.write(line + '\n');
const err = (line: string) => process.stderr.write(line + '\n');

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

async function runStart(config: Config): Promise<number> {
  const log = jsonLogger();
  const relay = await startRelay(config, log);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      relay.stop().then(resolve, (e: Error) => {
        log.error('shutdown failed', { err: e });
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function runAdmin(config: Config, argv: string[]): Promise<number> {
  const needsStdin = argv.includes('--password-stdin');
  const stdin = needsStdin ? await readStdin() : '';
  if (!config.databaseUrl) {
    const response = await sendControlRequest(config.dataDir, { argv, stdin });
    if (response) {
      for (const line of response.lines) (line.stream === 'out' ? out : err)(line.text);
      return response.exitCode;
    }
  }
  const db = await openMigratedDb(config);
  let federation: Awaited<ReturnType<typeof openFederation>> | null = null;
  try {
    const users = new UserService({ db });
    const admin = new QueueAdmin({ db });
    return await runAdminCommand(argv, {
      users,
      admins: new AdminAccounts({ db }),
      admin,
      blacklist: new BlacklistService({ db }),
      suppressions: new SuppressionService({ db, hashAddress: addressHasher(await loadRelaySecret(db)), rules: config.suppression }),
      stats: new StatsReport({ db }),
      // Not started: only holds and releases, straight in the database; running nodes pick them up within anomaly.flushIntervalMs.
      anomaly: new AnomalyService({ db, events: new EventBus(), queue: admin, users, settings: config.anomaly, log: silentLogger }),
      // Not started either: peers and verdicts are in the database, which running nodes reread.
      federation: (federation = await openFederation(config, db, (await loadTlsCredentials({ ...config.tls, dataDir: config.dataDir, hostname: config.hostname })).cert, silentLogger)),
      stdin: Readable.from([stdin]),
      out,
      err,
    });
  } finally {
    await federation?.stop();
    await db.close();
  }
}

/** Takes `--config FILE` / `--config=FILE` out of argv, wherever it stands. */
function splitConfigOption(argv: string[]): { file?: string; rest: string[] } {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') file = argv[++i];
    else if (arg.startsWith('--config=')) file = arg.slice('--config='.length);
    else rest.push(arg);
  }
  return { file, rest };
}

export async function main(argv: string[]): Promise<number> {
  const { file, rest } = splitConfigOption(argv);
  if (argv.includes('--config') && !file) {
    err('relais: --config needs a file name');
    return 2;
  }
  const [command, ...args] = rest;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return command ? 0 : 2;
  }
  try {
    if (command === 'config' && args[0] === 'check') {
      if (!args[1]) {
        err('usage: relais config check FILE');
        return 2;
      }
      checkConfigFile(args[1]);
      out(`${args[1]}: configuration is valid`);
      return 0;
    }
    const config = loadConfig({ file });
    if (command === 'config' && args[0] === 'show') {
      out(describeConfig(config));
      return 0;
    }
    if (command === 'start') return await runStart(config);
    if (command === 'migrate') {
      const db = await openMigratedDb(config);
      await db.close();
      out(`relais migrate: database schema is up to date (${config.databaseUrl ? 'PostgreSQL' : 'embedded PGlite'})`);
      return 0;
    }
    if (ADMIN_COMMANDS.includes(command)) return await runAdmin(config, [command, ...args]);
    err(`relais: unknown command "${[command, ...args].slice(0, 2).join(' ')}"\n\n${USAGE}`);
    return 2;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`relais: ${e.message}`);
      return 1;
    }
    err(`relais: ${(e as Error).message}`);
    return 1;
  }
}
