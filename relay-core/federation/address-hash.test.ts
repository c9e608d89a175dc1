// The federation hasher must give exactly the published f1 hash, whichever
// path computes it, and do each slow computation once.
import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashAddress } from '../stats/index.ts';
import { FederationHasher } from './address-hash.ts';

// Counts the scrypt computations; node:crypto's own function does the work.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, scrypt: vi.fn(actual.scrypt) };
});
const scrypt = vi.mocked(crypto.scrypt);

const networkKey = Buffer.alloc(32, 7);

describe('FederationHasher', () => {
  beforeEach(() => {
    scrypt.mockClear();
  });

  it('gives the f1 vectors of docs/address-hash.md, prefixed with the scheme', async () => {
    const hasher = new FederationHasher({ networkKey });
    expect(hasher.scheme).toBe('f1');
    expect(await hasher.hash('Bob@Example.ORG')).toBe('f1:c76c654cf03b150d4794f37a0b224f56');
    expect(hasher.hashSync('user+tag@xn--caf-dma.example')).toBe('f1:9bf6b54de17952ebbfd1da03fd68859a');
    const other = new FederationHasher({ networkKey: Buffer.from('example-network-key'), cacheSize: 0 });
    expect(await other.hash('e\u0301lodie@caf\u00e9.example')).toBe('f1:567b894f0a5dd74f3bf29833e0b88dc9');
    expect(other.hashSync('')).toBe('f1:5f256be57b5c497cd8419c2252a77748');
  });

  it('agrees with hashAddress on both paths, for ordinary and hostile input', async () => {
    const inputs = ['alice@example.org', ' ALICE@Example.org', 'Ünïcødé@bücher.example', 'a@', '@', 'lone\ud800@x', 'x'.repeat(5_000)];
    for (const input of inputs) {
      const expected = `f1:${hashAddress(input, networkKey, 'f1')}`;
      expect(await new FederationHasher({ networkKey }).hash(input)).toBe(expected);
      expect(new FederationHasher({ networkKey }).hashSync(input)).toBe(expected);
    }
  });

  it('computes an address once for callers asking at the same time, whatever its spelling', async () => {
    const hasher = new FederationHasher({ networkKey });
    const hashes = await Promise.all([
      hasher.hash('carol@example.org'), hasher.hash('Carol@Example.ORG'), hasher.hash(' carol@example.org'), hasher.hash('dave@example.org'),
    ]);
    expect(new Set(hashes.slice(0, 3)).size).toBe(1);
    expect(hashes[3]).not.toBe(hashes[0]);
    expect(scrypt).toHaveBeenCalledTimes(2);
    expect(await hasher.hash('CAROL@example.org')).toBe(hashes[0]);
    expect(hasher.hashSync('carol@EXAMPLE.org')).toBe(hashes[0]);
    expect(scrypt).toHaveBeenCalledTimes(2);
  });

  it('keeps at most cacheSize hashes, dropping the least recently used', async () => {
    const hasher = new FederationHasher({ networkKey, cacheSize: 2 });
    await hasher.hash('a@example.org');
    await hasher.hash('b@example.org');
    await hasher.hash('a@example.org'); // a is now the most recently used
    await hasher.hash('c@example.org'); // drops b
    expect(scrypt).toHaveBeenCalledTimes(3);
    await hasher.hash('a@example.org');
    await hasher.hash('c@example.org');
    expect(scrypt).toHaveBeenCalledTimes(3);
    await hasher.hash('b@example.org');
    expect(scrypt).toHaveBeenCalledTimes(4);
  });

  it('caches nothing with cacheSize 0, yet still shares a computation in flight', async () => {
    const hasher = new FederationHasher({ networkKey, cacheSize: 0 });
    await Promise.all([hasher.hash('e@example.org'), hasher.hash('E@example.org')]);
    expect(scrypt).toHaveBeenCalledTimes(1);
    await hasher.hash('e@example.org');
    expect(scrypt).toHaveBeenCalledTimes(2);
  });

  it('lets a failed computation fail its callers and be tried again', async () => {
    const hasher = new FederationHasher({ networkKey });
    scrypt.mockImplementationOnce(((...args: unknown[]) => {
      const callback = args.at(-1) as (err: Error | null, key: Buffer) => void;
      setImmediate(() => callback(new Error('thread pool on fire'), Buffer.alloc(0)));
    }) as typeof crypto.scrypt);
    await expect(Promise.all([hasher.hash('f@example.org'), hasher.hash('F@example.org')])).rejects.toThrow('thread pool on fire');
    expect(await hasher.hash('f@example.org')).toBe(`f1:${hashAddress('f@example.org', networkKey, 'f1')}`);
    expect(scrypt).toHaveBeenCalledTimes(2);
  });
});
