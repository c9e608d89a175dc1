// A real submission set-up for scenario tests: a migrated test database, the
// real QueueService and UserService, a SubmissionServer on 127.0.0.1:0, and
// a logger that keeps its lines so tests can look for them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { UserService } from '../../relay-core/auth/index.ts';
import type { Db } from '../../relay-core/db/index.ts';
import { EventBus } from '../../relay-core/events/index.ts';
import type { Logger } from '../../relay-core/log.ts';
import { QueueAdmin, QueueService } from '../../relay-core/queue/index.ts';
import { addressHasher } from '../../relay-core/stats/index.ts';
import { loadTlsCredentials, SubmissionServer, type SubmissionOptions, type TlsCredentials } from '../../relay-core/submission/index.ts';
import { SmtpTestClient } from '../support/smtp-client.ts';

export const HOST = '127.0.0.1';
/** A second loopback address, trusted in the default set-up. */
export const TRUSTED_HOST = '127.0.0.2';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields: Record<string, unknown> = {}) => {
    lines.push({ level, message, fields });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export function makeQueue(db: Db): QueueService {
  return new QueueService({
    db, events: new EventBus(), hashAddress: addressHasher(Buffer.alloc(32, 7)), nodeId: 'test-node', hostname: 'relay.test',
    schedule: { retryFirstMs: 300_000, retryMaxMs: 3_600_000, maxAgeMs: 5 * 86_400_000 }, leaseMs: 60_000,
  });
}

let credentials: Promise<TlsCredentials> | undefined;

/** One self-signed certificate per test file, in a throw-away directory. */
export function testCredentials(): Promise<TlsCredentials> {
  credentials ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relais-tls-'));
    try {
      return await loadTlsCredentials({ certFile: '', keyFile: '', dataDir: dir, hostname: 'relay.test' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return credentials;
}

export interface Submission {
  server: SubmissionServer;
  port: number;
  log: ReturnType<typeof memoryLogger>;
}

/** Starts a SubmissionServer with test defaults; `overrides` replace any option. */
export async function startSubmission(
  deps: { queue: SubmissionOptions['queue']; users: SubmissionOptions['users'] },
  overrides: Partial<SubmissionOptions> = {},
): Promise<Submission> {
  const log = memoryLogger();
  const server = new SubmissionServer({
    queue: deps.queue,
    users: deps.users,
    hostname: 'relay.test',
    host: HOST,
    port: 0,
    tls: await testCredentials(),
    trustedNetworks: [{ address: TRUSTED_HOST, prefix: 32, family: 'ipv4' }],
    maxMessageSizeBytes: 64 * 1024,
    maxRecipients: 1000,
    authFailureLimit: 5,
    authFailureWindowMs: 600_000,
    maxClients: 50,
    socketTimeoutMs: 30_000,
    log,
    ...overrides,
  });
  const { port } = await server.listen();
  return { server, port, log };
}

export interface World {
  db: Db;
  queue: QueueService;
  admin: QueueAdmin;
  users: UserService;
}

export function makeWorld(db: Db): World {
  return { db, queue: makeQueue(db), admin: new QueueAdmin({ db }), users: new UserService({ db }) };
}

/** nodemailer the way a mail client is set up: STARTTLS required, self-signed accepted. */
export function transport(port: number, auth?: { user: string; pass: string }, extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({
    host: HOST, port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, name: 'client.test', auth, ...extra,
  });
}

/** A raw client past EHLO, STARTTLS, EHLO and (when given) AUTH PLAIN. */
export async function rawSession(port: number, auth?: { login: string; password: string }, localAddress?: string): Promise<SmtpTestClient> {
  const { client } = await SmtpTestClient.connect({ host: HOST, port, localAddress });
  const hello = await client.secureHello();
  if (hello.code !== 250) throw new Error(`EHLO after STARTTLS failed: ${hello.raw}`);
  if (auth) {
    const reply = await client.authPlain(auth.login, auth.password);
    if (reply.code !== 235) throw new Error(`AUTH failed: ${reply.raw}`);
  }
  return client;
}

/** The queue id in `250 2.0.0 queued as ID`, or null. */
export function queueIdOf(text: string): string | null {
  return /queued as ([0-9A-F]+)/.exec(text)?.[1] ?? null;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True when the buffer holds an LF not preceded by CR, or a CR not followed by LF. */
export function hasBareLineBreak(body: Buffer): boolean {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x0a && body[i - 1] !== 0x0d) return true;
    if (body[i] === 0x0d && body[i + 1] !== 0x0a) return true;
  }
  return false;
}
