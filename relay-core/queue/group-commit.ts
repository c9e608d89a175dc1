// Group commit: callers that arrive while a transaction is being committed
// wait and share the next one. One fsync then covers many messages, and a hot
// counter row is locked once per batch instead of once per message, which is
// what lets concurrent SMTP sessions scale. No timer: a lone caller is
// written at once.

export class GroupCommit<T, R> {
  readonly #run: (items: T[]) => Promise<R[]>;
  readonly #maxBatch: number;
  #pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  #isFlushing = false;

  /** `run` writes a batch in one transaction and returns one result per item, in order. */
  constructor(run: (items: T[]) => Promise<R[]>, maxBatch = 100) {
    this.#run = run;
    this.#maxBatch = maxBatch;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#isFlushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#isFlushing = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      try {
        const results = await this.#run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        // One bad item must not fail the others: retry each on its own.
        else await Promise.all(batch.map((b) => this.#run([b.item]).then((r) => b.resolve(r[0]!), b.reject)));
      }
    }
    this.#isFlushing = false;
  }
}
