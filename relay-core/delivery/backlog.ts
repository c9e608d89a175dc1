// Claimed work not yet handed to an SMTP session, per destination domain,
// one job per message: all recipients of a message at one domain travel in
// one transaction, unless each recipient needs its own envelope sender (the
// returns address, VERP), then one job per recipient. Lives only as long as the leases behind it; stop() gives
// whatever is left back to the queue.
import type { Claim } from '../queue/index.ts';

/** One message's recipients at one destination. */
export interface DeliveryJob {
  domain: string;
  messageId: string;
  mailFrom: string;
  claims: Claim[];
  /** The body, when it came with one of the claims. */
  body?: Buffer;
}

export class Backlog {
  readonly #byDomain = new Map<string, DeliveryJob[]>();
  readonly #isPerRecipient: boolean;
  #recipients = 0;

  constructor(options: { isPerRecipient?: boolean } = {}) {
    this.#isPerRecipient = options.isPerRecipient ?? false;
  }

  /** Files claims under their domain and message, joining a waiting job of the same message. */
  add(claims: Claim[]): void {
    const touched = new Set<DeliveryJob>();
    // Oldest message first: the claim query's RETURNING has no defined order.
    const ordered = [...claims].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.messageId.localeCompare(b.messageId));
    for (const claim of ordered) {
      const domain = claim.domain.toLowerCase();
      let jobs = this.#byDomain.get(domain);
      if (!jobs) {
        jobs = [];
        this.#byDomain.set(domain, jobs);
      }
      let job = this.#isPerRecipient ? undefined : jobs.find((j) => j.messageId === claim.messageId);
      if (!job) {
        job = { domain, messageId: claim.messageId, mailFrom: claim.mailFrom, claims: [] };
        jobs.push(job);
      }
      job.claims.push(claim);
      job.body ??= claim.body;
      touched.add(job);
      this.#recipients++;
    }
    // RCPT in the order the recipients were submitted (their ids are a sequence).
    for (const job of touched) job.claims.sort((a, b) => Number(BigInt(a.recipientId) - BigInt(b.recipientId)));
  }

  /** The oldest waiting job of a domain. */
  take(domain: string): DeliveryJob | undefined {
    const jobs = this.#byDomain.get(domain);
    const job = jobs?.shift();
    if (job) this.#recipients -= job.claims.length;
    if (jobs && jobs.length === 0) this.#byDomain.delete(domain);
    return job;
  }

  takeAll(domain: string): DeliveryJob[] {
    const jobs = this.#byDomain.get(domain) ?? [];
    this.#byDomain.delete(domain);
    for (const job of jobs) this.#recipients -= job.claims.length;
    return jobs;
  }

  /** Returns a job a session did not get to start (shutdown), first in line. */
  putBack(job: DeliveryJob): void {
    const jobs = this.#byDomain.get(job.domain) ?? [];
    jobs.unshift(job);
    this.#byDomain.set(job.domain, jobs);
    this.#recipients += job.claims.length;
  }

  /** Domains with waiting jobs, and how many jobs each. */
  waiting(): [domain: string, jobs: number][] {
    return [...this.#byDomain].map(([domain, jobs]) => [domain, jobs.length]);
  }

  get recipientCount(): number {
    return this.#recipients;
  }

  recipientsOf(domain: string): number {
    return (this.#byDomain.get(domain) ?? []).reduce((n, job) => n + job.claims.length, 0);
  }

  /** Empties the backlog, returning every claim in it. */
  drain(): Claim[] {
    const claims = [...this.#byDomain.values()].flat().flatMap((job) => job.claims);
    this.#byDomain.clear();
    this.#recipients = 0;
    return claims;
  }
}
