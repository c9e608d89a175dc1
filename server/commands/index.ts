// Admin commands that need the database: run in the CLI process, or inside a
// running relais through the control socket. Same code, same output.
import type { AdminAccounts } from '../../relay-core/accounts/index.ts';
import type { AnomalyService } from '../../relay-core/anomaly/index.ts';
import type { UserService } from '../../relay-core/auth/index.ts';
import type { FederationService } from '../../relay-core/federation/index.ts';
import type { BlacklistService, SuppressionService } from '../../relay-core/policy/index.ts';
import type { QueueAdmin } from '../../relay-core/queue/index.ts';
import type { StatsReport } from '../../relay-core/stats/index.ts';
import { runAdminAccountCommand } from './admin.ts';
import { runBlacklistCommand } from './blacklist.ts';
import { runFederationCommand } from './federation.ts';
import { runQueueCommand } from './queue.ts';
import { runSenderCommand } from './sender.ts';
import { runStatsCommand } from './stats.ts';
import { runSuppressionCommand } from './suppression.ts';
import { runUserCommand } from './user.ts';

export interface AdminCommandDeps {
  users: UserService;
  admins: AdminAccounts;
  admin: QueueAdmin;
  blacklist: BlacklistService;
  suppressions: SuppressionService;
  stats: StatsReport;
  /** Sender holds (relay-core/anomaly). */
  anomaly: AnomalyService;
  federation: FederationService;
  stdin: NodeJS.ReadableStream;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const ADMIN_COMMANDS = ['admin', 'user', 'queue', 'blacklist', 'suppression', 'stats', 'sender', 'federation', 'peer'];

export async function runAdminCommand(argv: string[], deps: AdminCommandDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'queue') return runQueueCommand(rest, deps);
  if (command === 'user') return runUserCommand(rest, deps);
  if (command === 'admin') return runAdminAccountCommand(rest, deps);
  if (command === 'blacklist') return runBlacklistCommand(rest, deps);
  if (command === 'suppression') return runSuppressionCommand(rest, deps);
  if (command === 'stats') return runStatsCommand(rest, deps);
  if (command === 'sender') return runSenderCommand(rest, deps);
  if (command === 'federation' || command === 'peer') return runFederationCommand(command, rest, deps);
  deps.err(`relais: unknown command ${command}`);
  return 2;
}
