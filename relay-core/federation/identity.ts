// This relay's federation identity, an ed25519 key pair kept in
// <dataDir>/federation-ed25519.pem, and the check of other relays'
// signatures. A relay's id is its raw public key in base64url: peers are
// configured with it, so it must never change by accident — a key file that
// cannot be read stops the start rather than being replaced.
//
// Verification is strict RFC 8032 (not ZIP-215) plus what OpenSSL leaves to
// the caller: S must be below the group order and the key must not be a
// small-order point, under which one forged signature passes for many messages.
import { createPrivateKey, createPublicKey, generateKeyPair, KeyObject, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const KEY_FILE = 'federation-ed25519.pem';
// RFC 8410 §7: PrivateKeyInfo for Ed25519, up to the 32-byte seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** This relay's ed25519 key pair. */
export class FederationIdentity {
  /** The raw 32-byte public key, base64url without padding (43 characters). */
  readonly id: string;
  readonly #privateKey: KeyObject;

  constructor(privateKey: KeyObject) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
      throw new TypeError('FederationIdentity needs an ed25519 private key');
    }
    this.#privateKey = privateKey;
    const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
    this.id = x!;
  }

  /**
   * The identity kept in `dataDir`, created on first start. Two processes
   * starting at once agree: the file is created exclusively and the loser
   * reads the winner's key.
   */
  static async loadOrCreate(dataDir: string): Promise<FederationIdentity> {
    const path = join(dataDir, KEY_FILE);
    const existing = await readKeyFile(path);
    if (existing !== null) return FederationIdentity.#fromPem(path, isWritten(existing) ? existing : await readWhenWritten(path));
    const { privateKey } = await promisify(generateKeyPair)('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await mkdir(dataDir, { recursive: true });
    try {
      await writeFile(path, pem, { flag: 'wx', mode: 0o600 });
      return new FederationIdentity(privateKey);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw keyFileError(path, 'cannot be created', err);
    }
    return FederationIdentity.#fromPem(path, await readWhenWritten(path));
  }

  /** The identity kept in `dataDir`, or null when there is none yet. */
  static load(dataDir: string): FederationIdentity | null {
    const path = join(dataDir, KEY_FILE);
    let pem: string;
    try {
      pem = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw keyFileError(path, 'cannot be read', err);
    }
    return FederationIdentity.#fromPem(path, pem);
  }

  static #fromPem(path: string, pem: string): FederationIdentity {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } catch (err) {
      throw keyFileError(path, 'is not a PEM private key', err);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw keyFileError(path, `holds a ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519`);
    return new FederationIdentity(key);
  }

  /** The 64-byte ed25519 signature of `message`. */
  sign(message: Buffer): Buffer {
    return sign(null, message, this.#privateKey);
  }
}

/**
 * The identity whose private key is the given 32-byte seed. For published
 * test vectors and benchmarks only: a relay's own key comes from loadOrCreate.
 */
export function identityFromSeed(seed: Buffer): FederationIdentity {
  if (seed.length !== 32) throw new TypeError('an ed25519 seed is 32 bytes');
  return new FederationIdentity(createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }));
}

/** The file's text, or null when it does not exist. */
async function readKeyFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw keyFileError(path, 'cannot be read', err);
  }
}

/**
 * The key file's text, given time to be complete: a process creating it
 * opens it before writing to it, so for a moment another one starting at the
 * same time can find it empty or short. A file still incomplete after 2 s is
 * returned as it is (and refused as corrupt).
 */
async function readWhenWritten(path: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const pem = (await readKeyFile(path)) ?? '';
    if (isWritten(pem) || attempt >= 40) return pem;
    await sleep(50);
  }
}

/** Whether a PEM file got as far as its end line. */
function isWritten(pem: string): boolean {
  return /-----END [A-Z0-9 ]+-----\s*$/.test(pem);
}

function keyFileError(path: string, problem: string, cause?: unknown): Error {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new Error(
    `federation key file ${path} ${problem}${detail}. Fix it, or move it away to make a new identity at ` +
      'the next start — that changes this relay\'s federation id, and every peer must then be given the new one.',
    { cause },
  );
}

/** Whether `id` is a relay id: 43 base64url characters that spell 32 bytes exactly one way. */
export function isFederationId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{43}$/.test(id) && Buffer.from(id, 'base64url').toString('base64url') === id;
}

// Public keys by id, bounded: every peer and reader that ever signed
// something, and ids from hostile input, pass through here.
const KEY_CACHE_SIZE = 10_000;
const keyCache = new Map<string, KeyObject>();

/**
 * Whether `signature` is `id`'s ed25519 signature of `message`, by strict
 * RFC 8032 rules. Never throws: malformed input of any kind is false.
 */
export function verifySignature(id: string, message: Buffer, signature: Buffer): boolean {
  try {
    if (!(message instanceof Uint8Array) || !passesStrictChecks(id, signature)) return false;
    const key = publicKeyFor(id);
    return key !== null && verify(null, message, key, signature);
  } catch {
    // A failure of node:crypto on odd input is a verdict here: not verified.
    return false;
  }
}

/**
 * The strict RFC 8032 checks OpenSSL does not make (64-byte signature,
 * canonical S, a key that decodes and is not of small order), without the
 * costly curve arithmetic: what remains is `crypto.verify`, which a worker
 * thread can run (verify-pool.ts).
 */
export function passesStrictChecks(id: string, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64 || !isCanonicalScalar(signature.subarray(32))) return false;
  return publicKeyFor(id) !== null;
}

function publicKeyFor(id: string): KeyObject | null {
  const cached = keyCache.get(id);
  if (cached) return cached;
  if (!isFederationId(id)) return null;
  if (isWeakKey(Buffer.from(id, 'base64url'))) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
  } catch {
    // Refused by OpenSSL: not a key, so nothing it signs verifies.
    return null;
  }
  // Map iterates in insertion order: the first key is the oldest.
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, key);
  return key;
}

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const GROUP_ORDER = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');

/** RFC 8032 §5.1.7: S, little-endian, must be below L, or (R, S + L) would be a second signature. */
function isCanonicalScalar(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i]! !== GROUP_ORDER[i]!) return s[i]! < GROUP_ORDER[i]!;
  }
  return false;
}

const P = 2n ** 255n - 19n;
// The y coordinates of the 8 points of small order (libsodium's list): 1 is
// the identity, p-1 has order 2, 0 order 4, the other two order 8. With the
// sign bit, the encodings (canonical or not) of all 8 points reduce to these.
const SMALL_ORDER_Y = new Set<bigint>([
  0n,
  1n,
  P - 1n,
  littleEndian(Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex')),
  littleEndian(Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'hex')),
]);

/**
 * Keys that make signatures meaningless or ambiguous: a small-order point
 * (OpenSSL accepts the all-zero key with an all-zero signature for any
 * message) or a y coordinate encoded non-canonically (y ≥ p), which strict
 * RFC 8032 decoding refuses and OpenSSL would quietly reduce.
 */
function isWeakKey(raw: Buffer): boolean {
  const y = littleEndian(raw) & ((1n << 255n) - 1n);
  return y >= P || SMALL_ORDER_Y.has(y);
}

function littleEndian(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
}
