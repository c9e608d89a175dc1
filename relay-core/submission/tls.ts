// The STARTTLS certificate: the operator's files when configured, otherwise a
// self-signed one generated at first start and kept in <dataDir>/tls/, so
// clients that pinned it keep working across restarts.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsCredentialOptions {
  /** PEM certificate chain; empty for a generated one. */
  certFile: string;
  /** PEM private key; empty for a generated one. */
  keyFile: string;
  dataDir: string;
  /** Name the generated certificate is made out to. */
  hostname: string;
  now?: () => Date;
}

export interface TlsCredentials {
  key: string;
  cert: string;
  /** True when a new self-signed certificate was made just now. */
  generated: boolean;
}

/** What an operator needs to know of the certificate in use. */
export interface CertificateInfo {
  notAfter: Date;
  /** The subject distinguished name on one line (`CN=relay.example.org`). */
  subject: string;
  /** Issued and signed by itself: clients that verify certificates will refuse it. */
  isSelfSigned: boolean;
}

/** The expiry, subject and self-signedness of the first certificate of a PEM chain. */
export function describeCertificate(certPem: string): CertificateInfo {
  const x509 = new X509Certificate(certPem);
  return {
    notAfter: new Date(x509.validTo),
    subject: x509.subject.split('\n').filter(Boolean).join(', '),
    // Not checkIssued(): OpenSSL wants keyCertSign on the issuer, which a leaf certificate lacks.
    isSelfSigned: x509.issuer === x509.subject && x509.verify(x509.publicKey),
  };
}

/** Regenerate a self-signed certificate this long before it expires. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const VALIDITY_MS = 825 * 86_400_000;

/** A TLS set-up problem the operator must fix; the message names the file. */
export class TlsConfigError extends Error {
  readonly code = 'INVALID_INPUT';
}

async function readPem(file: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TlsConfigError(`cannot read TLS ${what} file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!text.includes('-----BEGIN ')) throw new TlsConfigError(`TLS ${what} file ${file} is not in PEM format`);
  return text;
}

function parseCert(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new TlsConfigError(`TLS certificate file ${file} holds no valid PEM certificate: ${(err as Error).message}`, { cause: err });
  }
}

function parseKey(pem: string, file: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new TlsConfigError(`TLS key file ${file} holds no valid PEM private key: ${(err as Error).message}`, { cause: err });
  }
}

async function loadConfigured(certFile: string, keyFile: string): Promise<TlsCredentials> {
  const [cert, key] = await Promise.all([readPem(certFile, 'certificate'), readPem(keyFile, 'key')]);
  const x509 = parseCert(cert, certFile);
  if (!x509.checkPrivateKey(parseKey(key, keyFile))) {
    throw new TlsConfigError(`TLS key file ${keyFile} does not match the certificate in ${certFile}`);
  }
  return { key, cert, generated: false };
}

/** The kept certificate and key when both are present, usable and meant for `hostname`. */
async function loadKept(certPath: string, keyPath: string, hostname: string, now: Date): Promise<TlsCredentials | null> {
  let cert: string;
  let key: string;
  try {
    [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TlsConfigError(`cannot read the generated TLS certificate in ${certPath}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const x509 = new X509Certificate(cert);
    const isCurrent = new Date(x509.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS;
    const isForHost = (isIP(hostname) ? x509.checkIP(hostname) : x509.checkHost(hostname)) !== undefined;
    return isCurrent && isForHost && x509.checkPrivateKey(createPrivateKey(key)) ? { key, cert, generated: false } : null;
  } catch {
    return null; // damaged: made again below, the files are ours
  }
}

async function writePrivate(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode); // an existing tmp file keeps its old mode otherwise
  await rename(tmp, path);
}

/**
 * Reads the configured PEM certificate and key (both or neither), or reuses —
 * generating it once — a self-signed certificate in `<dataDir>/tls/`.
 * Throws TlsConfigError naming the file when one is unreadable, not PEM or
 * does not match.
 */
export async function loadTlsCredentials(options: TlsCredentialOptions): Promise<TlsCredentials> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new TlsConfigError('tls.certFile and tls.keyFile must be set together');
    return loadConfigured(options.certFile, options.keyFile);
  }
  const now = options.now?.() ?? new Date();
  const dir = join(options.dataDir, 'tls');
  const certPath = join(dir, 'selfsigned-cert.pem');
  const keyPath = join(dir, 'selfsigned-key.pem');
  const kept = await loadKept(certPath, keyPath, options.hostname, now);
  if (kept) return kept;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pems = await generate([{ name: 'commonName', value: options.hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 3_600_000),
    notAfterDate: new Date(now.getTime() + VALIDITY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [isIP(options.hostname) ? { type: 7, ip: options.hostname } : { type: 2, value: options.hostname }] },
    ],
  });
  // Key first: a cert without its key is useless, a key without its cert is made again.
  await writePrivate(keyPath, pems.private, 0o600);
  await writePrivate(certPath, pems.cert, 0o644);
  return { key: pems.private, cert: pems.cert, generated: true };
}
