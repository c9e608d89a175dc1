// Bearer secrets (session ids, API tokens): 32 random bytes shown once; only
// their SHA-256 is stored, so a stolen database yields no usable credential.
// SHA-256 without salt is enough here: the secrets are random, not passwords.
import { createHash, randomBytes } from 'node:crypto';

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A well-formed secret of this prefix (so garbage never reaches the database). */
export function isSecretShaped(secret: string, prefix: string): boolean {
  return secret.length === prefix.length + 43 && secret.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(secret.slice(prefix.length));
}
