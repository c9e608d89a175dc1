// The federation hash of an address (scheme `f1`, docs/address-hash.md),
// computed off the event loop: an scrypt costs milliseconds, and RCPT asks
// for one per recipient. Results are kept in memory only, in a bounded LRU,
// and never written anywhere: the hash of a plaintext we no longer hold is
// of no use to us.
import { createHash, scrypt } from 'node:crypto';
import { hashAddress, normalizeAddress } from '../stats/index.ts';

// The f1 parameters of docs/address-hash.md. hashSync goes through
// hashAddress itself; the test checks both paths agree on the vectors.
const SALT_PREFIX = 'relais-federation-address-f1\n';
const SCRYPT = { N: 1024, r: 8, p: 1 } as const;
const HASH_BYTES = 16;

export class FederationHasher {
  readonly scheme = 'f1';
  readonly #networkKey: Buffer;
  readonly #salt: Buffer;
  readonly #cacheSize: number;
  // Map keeps insertion order: a hit is moved to the end, the first key is the least recently used.
  readonly #cache = new Map<string, string>();
  // One computation per normalised address, however many callers wait for it.
  readonly #pending = new Map<string, Promise<string>>();

  constructor(options: { networkKey: Buffer; cacheSize?: number }) {
    this.#networkKey = Buffer.from(options.networkKey);
    this.#salt = createHash('sha256').update(SALT_PREFIX).update(this.#networkKey).digest();
    this.#cacheSize = options.cacheSize ?? 100_000;
  }

  /** `f1:` and the hex hash of `address`, computed on the thread pool. */
  hash(address: string): Promise<string> {
    const normalized = normalizeAddress(address);
    const cached = this.#cached(normalized);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.#pending.get(normalized);
    if (pending) return pending;
    const computation = new Promise<string>((resolve, reject) => {
      scrypt(normalized, this.#salt, HASH_BYTES, SCRYPT, (err, derived) => {
        if (err) reject(err);
        else resolve(`f1:${derived.toString('hex')}`);
      });
    }).then(
      (hash) => {
        this.#pending.delete(normalized);
        this.#remember(normalized, hash);
        return hash;
      },
      (err: unknown) => {
        this.#pending.delete(normalized);
        throw err;
      },
    );
    this.#pending.set(normalized, computation);
    return computation;
  }

  /** The same as hash, on the calling thread: for a one-off (a CLI lookup, a check value). */
  hashSync(address: string): string {
    const normalized = normalizeAddress(address);
    const cached = this.#cached(normalized);
    if (cached !== undefined) return cached;
    const hash = `f1:${hashAddress(address, this.#networkKey, 'f1')}`;
    this.#remember(normalized, hash);
    return hash;
  }

  #cached(normalized: string): string | undefined {
    const hash = this.#cache.get(normalized);
    if (hash !== undefined) {
      this.#cache.delete(normalized);
      this.#cache.set(normalized, hash);
    }
    return hash;
  }

  #remember(normalized: string, hash: string): void {
    if (this.#cacheSize <= 0) return;
    this.#cache.delete(normalized);
    this.#cache.set(normalized, hash);
    if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
  }
}
