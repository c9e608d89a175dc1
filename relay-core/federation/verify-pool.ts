// Signature verification on every core: one ed25519 verification costs
// ~0.15 ms, and a feed page holds a thousand, so a pull would otherwise keep
// the event loop (SMTP, the API) busy. The strict checks stay in the caller's
// thread (identity.ts passesStrictChecks); the workers run only
// crypto.verify. The worker is plain JavaScript given as source, so it needs
// no TypeScript loader wherever relais runs.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { passesStrictChecks } from './identity.ts';

export interface SignedItem {
  /** The signer's relay id (base64url public key). */
  id: string;
  message: Buffer;
  signature: Buffer;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', ({ job, items }) => {
  const ok = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const [id, message, signature] = items[i];
    try {
      let key = keys.get(id);
      if (!key) {
        if (keys.size > 10000) keys.clear();
        key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
        keys.set(id, key);
      }
      ok[i] = verify(null, message, key, signature) ? 1 : 0;
    } catch {
      ok[i] = 0;
    }
  }
  parentPort.postMessage({ job, ok });
});
`;

interface Job {
  resolve: (ok: Uint8Array) => void;
  reject: (err: Error) => void;
}

export class VerifyPool {
  readonly #size: number;
  #workers: Worker[] = [];
  readonly #jobs = new Map<number, Job>();
  #nextJob = 0;
  #next = 0;

  constructor(size = availableParallelism()) {
    this.#size = Math.max(1, size);
  }

  /** Verifies every item (strict RFC 8032); the answer is in the items' order. */
  async verify(items: SignedItem[]): Promise<boolean[]> {
    const strict = items.map((item) => passesStrictChecks(item.id, item.signature));
    const todo = items.map((item, index) => ({ item, index })).filter(({ index }) => strict[index]);
    const result = items.map(() => false);
    if (!todo.length) return result;
    const slice = Math.ceil(todo.length / this.#size);
    const parts: Promise<void>[] = [];
    for (let at = 0; at < todo.length; at += slice) {
      const part = todo.slice(at, at + slice);
      parts.push(this.#run(part.map(({ item }) => [item.id, item.message, item.signature])).then((ok) => {
        part.forEach(({ index }, i) => (result[index] = ok[i] === 1));
      }));
    }
    await Promise.all(parts);
    return result;
  }

  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #run(items: [string, Buffer, Buffer][]): Promise<Uint8Array> {
    const worker = this.#worker();
    const job = this.#nextJob++;
    return new Promise((resolve, reject) => {
      this.#jobs.set(job, { resolve, reject });
      worker.postMessage({ job, items });
    });
  }

  #worker(): Worker {
    if (this.#workers.length < this.#size) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', ({ job, ok }: { job: number; ok: Uint8Array }) => {
        this.#jobs.get(job)?.resolve(ok);
        this.#jobs.delete(job);
      });
      worker.on('error', (err) => this.#failAll(err));
      // After the listeners: adding a 'message' listener refs the worker again, and an idle pool must not keep a process alive.
      worker.unref();
      this.#workers.push(worker);
      return worker;
    }
    return this.#workers[this.#next++ % this.#workers.length]!;
  }

  /** A crashed worker: its jobs cannot be told apart from the others', so every pending one fails and the pool starts afresh. */
  #failAll(err: Error): void {
    for (const job of this.#jobs.values()) job.reject(err);
    this.#jobs.clear();
    void this.close();
  }
}
