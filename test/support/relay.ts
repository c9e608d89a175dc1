// Runs the real relais for scenario tests: in this process (startTestRelay) or
// as a child process of `bin/relais.js start` (spawnRelay), which SIGKILL and
// SIGTERM tests need. Ports are chosen by the OS; only loopback is used.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../relay-core/config/index.ts';
import { silentLogger } from '../../relay-core/log.ts';
import { startRelay, type RunningRelay } from '../../server/relay.ts';
import type { TestDatabase } from './db.ts';

export const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/relais.js');

/** Environment of a test relay: loopback listeners on free ports, fast retries. */
export function relayEnv(db: TestDatabase, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    RELAIS_DATA_DIR: db.dataDir,
    RELAIS_DATABASE_URL: db.databaseUrl,
    RELAIS_HOSTNAME: 'relais.test',
    RELAIS_SMTP_HOST: '127.0.0.1',
    RELAIS_SMTP_PORT: '0',
    RELAIS_HTTP_HOST: '127.0.0.1',
    RELAIS_HTTP_PORT: '0',
    // Plain HTTP keeps test clients simple; test/api/https.test.ts covers TLS.
    RELAIS_HTTP_PLAIN: 'true',
    RELAIS_ALLOW_PRIVATE_MX: 'true',
    RELAIS_RETRY_FIRST_MS: '300',
    RELAIS_RETRY_MAX_MS: '1000',
    RELAIS_POLL_INTERVAL_MS: '100',
    RELAIS_CONNECT_TIMEOUT_MS: '3000',
    RELAIS_COMMAND_TIMEOUT_MS: '5000',
    RELAIS_DNS_TIMEOUT_MS: '1000',
    RELAIS_THROTTLE_PAUSE_MS: '100',
    ...overrides,
  };
}

export async function startTestRelay(db: TestDatabase, overrides: Record<string, string> = {}): Promise<RunningRelay> {
  return startRelay(loadConfig({ env: relayEnv(db, overrides) }), silentLogger);
}

export interface SpawnedRelay {
  child: ChildProcess;
  smtpPort: number;
  httpPort: number;
  /** Everything the process wrote to stderr so far (JSON log lines). */
  log(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts `relais start` in a child process; resolves once it logged "relais started". */
export function spawnRelay(env: Record<string, string>, timeoutMs = 60_000): Promise<SpawnedRelay> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relais did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const line = stderr.split('\n').find((l) => l.includes('"relais started"'));
      if (line) {
        clearTimeout(timer);
        const started = JSON.parse(line) as { smtp: string; http: string };
        resolve({
          child,
          smtpPort: Number(started.smtp.split(':').pop()),
          httpPort: Number(started.http.split(':').pop()),
          log: () => stderr,
          exited,
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relais exited with ${code} before starting:\n${stderr}`));
    });
  });
}

/** Runs the CLI to completion; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin!.end(stdin);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
