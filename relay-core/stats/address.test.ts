// Test vectors of the address normalisation and the local keyed hash: any
// change to either changes every stored recipient key, so these pin them.
import { describe, expect, it } from 'vitest';
import { addressHasher, domainOf, hashAddress, normalizeAddress } from './index.ts';

const key = Buffer.alloc(32, 7);

describe('recipient address hash', () => {
  it('spells one mailbox one way: trimmed, lower-case, IDN domain in ASCII', () => {
    expect(normalizeAddress(' Bob@Example.ORG ')).toBe('bob@example.org');
    expect(normalizeAddress('élodie@café.example')).toBe('élodie@xn--caf-dma.example');
    expect(domainOf('user+tag@Café.Example')).toBe('xn--caf-dma.example');
  });

  it('gives the vectors published in docs/address-hash.md (scheme l1, key of 32 bytes 0x07)', () => {
    const hash = addressHasher(key);
    expect(hash('Bob@Example.ORG')).toBe('48b386d837e5de4768d335ac');
    expect(hash(' bob@example.org ')).toBe('48b386d837e5de4768d335ac');
    expect(hash('\u00e9lodie@caf\u00e9.example')).toBe('52c4a245a4faf118aa6917b7');
    expect(hash('e\u0301lodie@caf\u00e9.example')).toBe('52c4a245a4faf118aa6917b7');
    expect(hash('user+tag@xn--caf-dma.example')).toBe('6a6fce7f393facdc39a74f83');
    expect(hash('')).toBe('9dac6a74401b46ed9b489d0e');
    expect(hashAddress('Bob@Example.ORG', key, 'l1')).toBe('48b386d837e5de4768d335ac');
  });

  it('gives the f1 vectors published in docs/address-hash.md (network key of 32 bytes 0x07)', () => {
    expect(hashAddress('Bob@Example.ORG', key, 'f1')).toBe('c76c654cf03b150d4794f37a0b224f56');
    expect(hashAddress(' bob@example.org ', key, 'f1')).toBe('c76c654cf03b150d4794f37a0b224f56');
    expect(hashAddress('\u00e9lodie@caf\u00e9.example', key, 'f1')).toBe('6c60e95c4b6a07691786ced737d94c8f');
    expect(hashAddress('e\u0301lodie@caf\u00e9.example', key, 'f1')).toBe('6c60e95c4b6a07691786ced737d94c8f');
    expect(hashAddress('user+tag@xn--caf-dma.example', key, 'f1')).toBe('9bf6b54de17952ebbfd1da03fd68859a');
    expect(hashAddress('', key, 'f1')).toBe('887a1b380d726a292978be352a012029');
  });

  it('gives the f1 vectors published in docs/address-hash.md (network key "example-network-key")', () => {
    const networkKey = Buffer.from('example-network-key', 'utf8');
    expect(hashAddress('Bob@Example.ORG', networkKey, 'f1')).toBe('d255018da5774c0caccb43bc425ed1fc');
    expect(hashAddress('\u00e9lodie@caf\u00e9.example', networkKey, 'f1')).toBe('567b894f0a5dd74f3bf29833e0b88dc9');
    expect(hashAddress('user+tag@xn--caf-dma.example', networkKey, 'f1')).toBe('25bde2baf99882025a11504447bebf68');
    expect(hashAddress('', networkKey, 'f1')).toBe('5f256be57b5c497cd8419c2252a77748');
  });

  it('depends on the key, so a table of hashes cannot be tested against guesses without it', () => {
    expect(addressHasher(Buffer.alloc(32, 8))('bob@example.org')).not.toBe(addressHasher(key)('bob@example.org'));
    expect(hashAddress('bob@example.org', Buffer.alloc(32, 8), 'f1')).not.toBe(hashAddress('bob@example.org', key, 'f1'));
  });

  it('hashes hostile input without throwing', () => {
    const hash = addressHasher(key);
    for (const input of ['', '@', 'a@', '@b', 'x'.repeat(100_000), 'a@\u0000\u0001', 'a@[127.0.0.1]']) {
      expect(hash(input)).toMatch(/^[0-9a-f]{24}$/);
      expect(hashAddress(input, key, 'f1')).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});
