import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTlsCredentials, TlsConfigError } from '../../relay-core/submission/index.ts';
import { openTestDb } from '../support/db.ts';
import { SmtpTestClient } from '../support/smtp-client.ts';
import { HOST, makeWorld, startSubmission, type World } from './harness.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let world: World;
let dir: string;

beforeAll(async () => {
  db = await openTestDb();
  world = makeWorld(db);
  dir = mkdtempSync(join(tmpdir(), 'relais-tls-test-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

/** The certificate a client sees after STARTTLS. */
async function presentedCertificate(port: number): Promise<X509Certificate> {
  const { client } = await SmtpTestClient.connect({ host: HOST, port });
  await client.command('EHLO client.test');
  await client.startTls();
  const ehlo = await client.command('EHLO client.test');
  expect(ehlo.code).toBe(250);
  const cert = client.peerCertificate();
  await client.quit();
  return new X509Certificate(cert.raw);
}

describe('TLS credentials', () => {
  it('generates a self-signed certificate once, keeps its key private, and reuses it afterwards', async () => {
    const dataDir = join(dir, 'generated');
    const first = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir, hostname: 'relay.test' });
    expect(first.generated).toBe(true);
    expect(statSync(join(dataDir, 'tls', 'selfsigned-key.pem')).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(first.cert);
    expect(x509.checkHost('relay.test')).toBe('relay.test');

    const second = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir, hostname: 'relay.test' });
    expect(second).toEqual({ ...first, generated: false });

    const smtp = await startSubmission(world, { tls: second });
    const presented = await presentedCertificate(smtp.port);
    await smtp.server.close();
    expect(presented.fingerprint256).toBe(x509.fingerprint256);
  });

  it('makes a new certificate when the kept one is for another host name or about to expire', async () => {
    const dataDir = join(dir, 'renewed');
    const first = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir, hostname: 'relay.test' });
    const renamed = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir, hostname: 'mail.relay.test' });
    expect(renamed.generated).toBe(true);
    expect(renamed.cert).not.toBe(first.cert);
    const later = () => new Date(Date.now() + 820 * 86_400_000);
    const expiring = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir, hostname: 'mail.relay.test', now: later });
    expect(expiring.generated).toBe(true);
  });

  it('uses the configured certificate and key files', async () => {
    const made = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir: join(dir, 'source'), hostname: 'mx.operator.test' });
    const certFile = join(dir, 'operator-cert.pem');
    const keyFile = join(dir, 'operator-key.pem');
    writeFileSync(certFile, made.cert);
    writeFileSync(keyFile, made.key);
    const loaded = await loadTlsCredentials({ certFile, keyFile, dataDir: join(dir, 'unused'), hostname: 'relay.test' });
    expect(loaded).toEqual({ cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), generated: false });

    const smtp = await startSubmission(world, { tls: loaded });
    const presented = await presentedCertificate(smtp.port);
    await smtp.server.close();
    expect(presented.checkHost('mx.operator.test')).toBe('mx.operator.test');
  });

  it('fails with a clear error naming the file when a configured file is missing, unreadable, not PEM or does not match', async () => {
    const good = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir: join(dir, 'good'), hostname: 'relay.test' });
    const other = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir: join(dir, 'other'), hostname: 'other.test' });
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    const otherKey = join(dir, 'other-key.pem');
    const notPem = join(dir, 'not-pem.txt');
    writeFileSync(certFile, good.cert);
    writeFileSync(keyFile, good.key);
    writeFileSync(otherKey, other.key);
    writeFileSync(notPem, 'hello');
    const load = (c: string, k: string) => loadTlsCredentials({ certFile: c, keyFile: k, dataDir: dir, hostname: 'relay.test' });

    await expect(load(join(dir, 'missing.pem'), keyFile)).rejects.toThrow(`cannot read TLS certificate file ${join(dir, 'missing.pem')}`);
    await expect(load(certFile, notPem)).rejects.toThrow(`TLS key file ${notPem} is not in PEM format`);
    await expect(load(certFile, otherKey)).rejects.toThrow(`TLS key file ${otherKey} does not match the certificate in ${certFile}`);
    await expect(load(certFile, '')).rejects.toBeInstanceOf(TlsConfigError);
    if (process.getuid?.() !== 0) {
      // root reads files whatever their mode
      chmodSync(keyFile, 0o000);
      await expect(load(certFile, keyFile)).rejects.toThrow(`cannot read TLS key file ${keyFile}`);
    }
    const dirAsFile = join(dir, 'good');
    await expect(load(certFile, dirAsFile)).rejects.toThrow(`cannot read TLS key file ${dirAsFile}`);
  });
});
