// The relay's federation key file, and signature checks held against an
// independent ed25519 implementation (@noble/ed25519, strict mode).
import { createHash, generateKeyPairSync, randomBytes, randomInt, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ed from '@noble/ed25519';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationIdentity, identityFromSeed, isFederationId, verifySignature } from './identity.ts';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function toLittleEndian(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse();
}

function fromLittleEndian(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
}

function flipBit(bytes: Uint8Array, bit = randomInt(bytes.length * 8)): Buffer {
  const copy = Buffer.from(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

function idOf(publicKey: Uint8Array): string {
  return Buffer.from(publicKey).toString('base64url');
}

/** The encodings of the 8 small-order points, canonical or not (y + p where that fits in 255 bits). */
function smallOrderEncodings(): Buffer[] {
  const ys = [0n, 1n, P - 1n, fromLittleEndian(Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex'))];
  ys.push(P - ys[3]!);
  const encodings: Buffer[] = [];
  for (const y of ys) {
    for (const value of [y, y + P]) {
      if (value >= 2n ** 255n) continue;
      const plain = toLittleEndian(value);
      const signed = Buffer.from(plain);
      signed[31]! |= 0x80;
      encodings.push(plain, signed);
    }
  }
  return encodings;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relais-identity-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('FederationIdentity', () => {
  it('creates its key file on first start, mode 0600, and reads the same identity back', async () => {
    const dataDir = join(dir, 'first-start');
    expect(FederationIdentity.load(dataDir)).toBeNull();
    const created = await FederationIdentity.loadOrCreate(dataDir);
    const path = join(dataDir, 'federation-ed25519.pem');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
    expect(isFederationId(created.id)).toBe(true);
    expect((await FederationIdentity.loadOrCreate(dataDir)).id).toBe(created.id);
    expect(FederationIdentity.load(dataDir)?.id).toBe(created.id);
  });

  it('gives every caller starting at once the same identity', async () => {
    const dataDir = join(dir, 'race');
    const identities = await Promise.all(Array.from({ length: 8 }, () => FederationIdentity.loadOrCreate(dataDir)));
    expect(new Set(identities.map((i) => i.id)).size).toBe(1);
    expect(FederationIdentity.load(dataDir)?.id).toBe(identities[0]!.id);
  });

  it('refuses a corrupt key file, naming it and saying what to do, instead of replacing it', async () => {
    const dataDir = join(dir, 'corrupt');
    mkdirSync(dataDir);
    const path = join(dataDir, 'federation-ed25519.pem');
    writeFileSync(path, '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n');
    await expect(FederationIdentity.loadOrCreate(dataDir)).rejects.toThrow(path);
    await expect(FederationIdentity.loadOrCreate(dataDir)).rejects.toThrow(/move it away to make a new identity.*changes this relay's federation id/);
    expect(() => FederationIdentity.load(dataDir)).toThrow(path);
    expect(readFileSync(path, 'utf8')).toContain('not base64');
  });

  it('refuses a key file holding another kind of key', async () => {
    const dataDir = join(dir, 'ec');
    mkdirSync(dataDir);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dataDir, 'federation-ed25519.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(FederationIdentity.loadOrCreate(dataDir)).rejects.toThrow(/holds a ec key, not ed25519/);
  });

  it('refuses a key file it cannot read', async () => {
    const dataDir = join(dir, 'unreadable');
    mkdirSync(join(dataDir, 'federation-ed25519.pem'), { recursive: true });
    await expect(FederationIdentity.loadOrCreate(dataDir)).rejects.toThrow(/federation-ed25519\.pem cannot be read/);
    expect(() => FederationIdentity.load(dataDir)).toThrow(/cannot be read.*move it away/);
  });

  it('signs as RFC 8032 test 1 does from the same seed', () => {
    const identity = identityFromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
    expect(Buffer.from(identity.id, 'base64url').toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const signature = identity.sign(Buffer.alloc(0));
    expect(signature.toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(verifySignature(identity.id, Buffer.alloc(0), signature)).toBe(true);
  });
});

describe('isFederationId', () => {
  it('takes exactly the base64url spelling of 32 bytes', () => {
    const id = identityFromSeed(Buffer.alloc(32, 1)).id;
    expect(id).toHaveLength(43);
    expect(isFederationId(id)).toBe(true);
    expect(isFederationId(Buffer.alloc(32, 0xfb).toString('base64url'))).toBe(true);
    const refused: unknown[] = [
      undefined, null, 42, Buffer.alloc(32), id.slice(0, 42), `${id}A`, `${id}=`, Buffer.alloc(32, 0xfb).toString('base64'),
      ` ${id.slice(1)}`, `${id.slice(0, 42)}B` /* spare bits set: a second spelling of some key */,
    ];
    for (const value of refused) expect(isFederationId(value)).toBe(false);
  });
});

describe('verifySignature', () => {
  beforeAll(() => {
    ed.hashes.sha512 = (message: Uint8Array) => createHash('sha512').update(message).digest();
  });

  it('agrees with @noble/ed25519 in strict mode on 50 random keys and messages, valid and tampered', () => {
    for (let i = 0; i < 50; i++) {
      const seed = randomBytes(32);
      const message = randomBytes(randomInt(0, 300));
      const identity = identityFromSeed(seed);
      const publicKey = ed.getPublicKey(seed);
      expect(identity.id).toBe(idOf(publicKey));
      const signature = identity.sign(message);
      expect(signature.equals(Buffer.from(ed.sign(message, seed)))).toBe(true);

      const cases: [string, Buffer, Buffer, Uint8Array][] = [
        ['valid', message, signature, publicKey],
        ['message', message.length ? flipBit(message) : Buffer.from([1]), signature, publicKey],
        ['R', message, flipBit(signature, randomInt(256)), publicKey],
        ['S', message, flipBit(signature, 256 + randomInt(256)), publicKey],
        ['key', message, signature, flipBit(publicKey)],
        ['S + L', message, Buffer.concat([signature.subarray(0, 32), toLittleEndian(fromLittleEndian(signature.subarray(32)) + L)]), publicKey],
      ];
      for (const [name, m, s, key] of cases) {
        const expected = ed.verify(s, m, key, { zip215: false });
        expect(verifySignature(idOf(key), m, s), `${name} #${i}`).toBe(expected);
        expect(expected, `${name} #${i}`).toBe(name === 'valid');
      }
    }
  });

  it('refuses every small-order key, canonically encoded or not, as noble does', () => {
    const message = Buffer.from('any message at all');
    const identitySignature = Buffer.concat([toLittleEndian(1n), Buffer.alloc(32)]);
    const encodings = smallOrderEncodings();
    expect(encodings).toHaveLength(14);
    // The identity point as key, with R = identity and S = 0, passes OpenSSL's own check for any message: hence ours.
    const identityKey = { key: { kty: 'OKP', crv: 'Ed25519', x: idOf(toLittleEndian(1n)) }, format: 'jwk' } as const;
    expect(verify(null, message, identityKey, identitySignature)).toBe(true);
    expect(verify(null, randomBytes(40), identityKey, identitySignature)).toBe(true);
    for (const key of encodings) {
      expect(ed.Point.fromBytes(key, true).isSmallOrder()).toBe(true);
      for (const signature of [Buffer.alloc(64), identitySignature, Buffer.concat([key, Buffer.alloc(32)])]) {
        expect(verifySignature(idOf(key), message, signature)).toBe(false);
        expect(ed.verify(signature, message, key, { zip215: false })).toBe(false);
      }
    }
  });

  it('is false, never an exception, for malformed input', () => {
    const identity = identityFromSeed(Buffer.alloc(32, 9));
    const message = Buffer.from('m');
    const signature = identity.sign(message);
    expect(verifySignature(identity.id, message, signature)).toBe(true);
    const bad: [unknown, unknown, unknown][] = [
      [identity.id, message, signature.subarray(0, 63)],
      [identity.id, message, Buffer.concat([signature, Buffer.alloc(1)])],
      [identity.id, message, Buffer.alloc(0)],
      [identity.id, 'm', signature],
      [identity.id, message, signature.toString('base64url')],
      [identity.id, null, signature],
      [identity.id, message, undefined],
      [`${identity.id}=`, message, signature],
      [identity.id.toUpperCase(), message, signature],
      ['x'.repeat(1_000_000), message, signature],
      [undefined, message, signature],
      [{ toString: () => identity.id }, message, signature],
      [Buffer.alloc(32, 0xff).toString('base64url'), message, signature],
    ];
    for (const [id, m, s] of bad) expect(verifySignature(id as string, m as Buffer, s as Buffer)).toBe(false);
  });
});
