import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { relayEnv, runCli, spawnRelay, waitFor, type SpawnedRelay } from '../support/relay.ts';

let db: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  // Nothing answers DNS here: submitted mail stays in the queue, deferred.
  env = relayEnv(db, { RELAIS_DNS_SERVERS: '127.0.0.1:9', RELAIS_RETRY_FIRST_MS: '600000', RELAIS_RETRY_MAX_MS: '600000' });
});
afterAll(async () => db?.drop());

describe('relais config', () => {
  it('config show prints the effective config with environment overrides and the password masked', async () => {
    const r = await runCli(['config', 'show'], { RELAIS_SMTP_PORT: '2600', RELAIS_DATABASE_URL: 'postgres://u:hunter2@127.0.0.1/x' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port = 2600');
    expect(r.stdout).toContain('postgres://u:****@127.0.0.1/x');
    expect(r.stdout).not.toContain('hunter2');
  });

  it('config check names the bad keys of a file and fails', async () => {
    const file = join(db.dataDir, 'bad.toml');
    writeFileSync(file, '[smtp]\nport = 99999\ntrustedNetworks = ["not-a-network"]\n');
    const r = await runCli(['config', 'check', file], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('smtp.port');
    expect(r.stderr).toContain('not-a-network');
  });

  it('a bad environment variable stops start with a clear message', async () => {
    const r = await runCli(['start'], { ...env, RELAIS_ROUTES: 'example.org' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RELAIS_ROUTES');
    expect(r.stderr).toContain('domain=host:port');
  });

  it('an unknown command prints the usage and exits 2', async () => {
    const r = await runCli(['frobnicate'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: relais');
  });
});

// Each CLI call starts a Node process (seconds each under load): time is given generously.
describe('relais user and queue against a running relay', { timeout: 240_000 }, () => {
  let relay: SpawnedRelay;

  beforeAll(async () => {
    relay = await spawnRelay(env);
  });
  afterAll(async () => {
    relay?.child.kill('SIGTERM');
    await relay?.exited;
  });

  it('a second relais on the same data directory refuses to start', async () => {
    const r = await runCli(['start'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already running');
  });

  it('adds a user whose password comes from standard input, and lists it', async () => {
    const add = await runCli(['user', 'add', 'alice', '--password-stdin', '--allow-sender', 'alice@example.org', '--allow-sender', '@example.net'], env, 'correct horse\n');
    expect(add.code, add.stderr).toBe(0);
    const list = await runCli(['user', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ login: 'alice', allowedSenders: ['alice@example.org', '@example.net'] }]);
    const noStdin = await runCli(['user', 'add', 'bob', '--allow-sender', 'bob@example.org'], env);
    expect(noStdin.code).not.toBe(0);
  });

  it('shows submitted mail in the queue, and holds, releases and deletes it', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: relay.smtpPort, secure: false, requireTLS: true,
      tls: { rejectUnauthorized: false }, auth: { user: 'alice', pass: 'correct horse' },
    });
    const info = await transport.sendMail({ from: 'alice@example.org', to: 'bob@dest.test', subject: 'hi', text: 'hello' });
    const id = /queued as ([0-9A-F]+)/.exec(info.response)![1]!;

    const list = await runCli(['queue', 'list', '--json'], env);
    const queued = JSON.parse(list.stdout) as { id: string; mailFrom: string; recipients: { rcptTo: string }[] }[];
    expect(queued).toMatchObject([{ id, mailFrom: 'alice@example.org', recipients: [{ rcptTo: 'bob@dest.test' }] }]);
    const text = await runCli(['queue', 'list'], env);
    expect(text.stdout).toContain(id);
    expect(text.stdout).toContain('bob@dest.test');

    // The first attempt fails on DNS and defers for ten minutes; hold works on deferred mail.
    await expect.poll(async () => (await runCli(['queue', 'list', '--state', 'deferred'], env)).stdout, { timeout: 20_000 }).toContain(id);
    expect((await runCli(['queue', 'hold', id], env)).stdout).toContain('1 recipient(s) put on hold');
    expect((await runCli(['queue', 'list', '--state', 'held', '--json'], env)).stdout).toContain(id);
    expect((await runCli(['queue', 'release', '--all'], env)).stdout).toContain('1 recipient(s) released');
    const missing = await runCli(['queue', 'delete', 'FFFF'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such message');
    expect((await runCli(['queue', 'delete', id], env)).stdout).toContain('1 message(s) deleted');
    expect((await runCli(['queue', 'list'], env)).stdout).toContain('Mail queue is empty');
    const usage = await runCli(['queue', 'hold'], env);
    expect(usage.code).toBe(2);
  });

  it('blacklists a recipient domain, which the running relay then refuses at RCPT', async () => {
    const noReason = await runCli(['blacklist', 'add', 'recipient', '@spamtrap.test'], env);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason is required');
    const add = await runCli(['blacklist', 'add', 'recipient', '@spamtrap.test', '--reason', 'known spam trap'], env);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse((await runCli(['blacklist', 'list', '--json'], env)).stdout)).toMatchObject([
      { kind: 'recipient', pattern: '@spamtrap.test', reason: 'known spam trap' },
    ]);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: relay.smtpPort, secure: false, requireTLS: true,
      tls: { rejectUnauthorized: false }, auth: { user: 'alice', pass: 'correct horse' },
    });
    // Through the control socket (PGlite) the change is seen at once; written
    // straight to PostgreSQL, the running relay reloads its lists within seconds.
    const refusal = await waitFor(async () => {
      try {
        await transport.sendMail({ from: 'alice@example.org', to: 'x@spamtrap.test', text: 'x' });
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    }, 15_000, 'the blacklist to apply');
    expect(refusal).toMatch(/550 5\.7\.1 <x@spamtrap\.test>: Recipient address rejected: known spam trap/);
    expect((await runCli(['blacklist', 'remove', 'recipient', '@spamtrap.test'], env)).code).toBe(0);
    expect((await runCli(['blacklist', 'remove', 'recipient', '@spamtrap.test'], env)).code).toBe(1);
  });

  it('suppresses a recipient by hand, which the running relay then refuses at RCPT with 550 5.1.1, and lifts it', async () => {
    const bad = await runCli(['suppression', 'add', 'bob@dest.test\r\nX-Injected: 1', '--reason', 'x'], env);
    expect(bad.code).toBe(1);
    const add = await runCli(['suppression', 'add', 'Bob@Dest.test', '--reason', 'asked us to stop', '--scope', 'user:alice'], env);
    expect(add.code, add.stderr).toBe(0);
    const check = await runCli(['suppression', 'check', 'bob@dest.test'], env);
    expect(check.stdout).toContain('asked us to stop');
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: relay.smtpPort, secure: false, requireTLS: true,
      tls: { rejectUnauthorized: false }, auth: { user: 'alice', pass: 'correct horse' },
    });
    const refusal = await waitFor(async () => {
      try {
        await transport.sendMail({ from: 'alice@example.org', to: 'bob@dest.test', text: 'x' });
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    }, 15_000, 'the suppression to apply');
    expect(refusal).toMatch(/550 5\.1\.1 <bob@dest\.test>: Recipient address rejected: suppressed for user:alice since \d{4}-\d\d-\d\d: asked us to stop/);
    expect((await runCli(['suppression', 'remove', 'bob@dest.test'], env)).code).toBe(0);
    expect((await runCli(['suppression', 'remove', 'bob@dest.test'], env)).code).toBe(1);
  });

  it('answers /healthz and /readyz over HTTP', async () => {
    const health = await fetch(`http://127.0.0.1:${relay.httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${relay.httpPort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${relay.httpPort}/nope.js`)).status).toBe(404);
  });
});
