// The delivery loop, like Postfix's qmgr feeding smtp(8) processes: claim due
// recipients, file them by destination and message, and start workers within
// two limits, destinationConcurrency per domain and maxSessions in all. A slow
// or tarpitting MX only ever holds the slots of its own domain, and only for
// as long as the connect/command timeouts allow. Claims are never left behind:
// stop() lets sessions finish their current message, then gives back the rest.
import type { Config } from '../config/index.ts';
import type { Logger } from '../log.ts';
import { classifyReply } from '../bounces/index.ts';
import type { AttemptResult, QueueService } from '../queue/index.ts';
import { Backlog, type DeliveryJob } from './backlog.ts';
import { DestinationThrottle } from './destination-throttle.ts';
import { DestinationPlanner } from './destination.ts';
import { DestinationWorker, type WorkerContext } from './destination-worker.ts';
import type { MxResolver } from './mx-resolver.ts';

/** The `delivery` config slice, with the queue's polling settings and the parts it drives. */
type DeliveryConfig = Config['delivery'];

export interface DeliveryOptions extends DeliveryConfig {
  queue: QueueService;
  resolver: MxResolver;
  log: Logger;
  /** EHLO name. */
  hostname: string;
  pollIntervalMs: number;
  claimBatch: number;
  /**
   * The envelope sender for one recipient of a message (the returns address);
   * none: mail goes out with the envelope sender it was submitted with.
   */
  returnPath?: (mailFrom: string, rcptTo: string) => Promise<string>;
  /** Clock of the destination throttle. */
  now?: () => number;
}

/** A snapshot for health output and metrics. */
export interface DeliveryStatus {
  /** Workers running, each holding at most one SMTP session. */
  activeSessions: number;
  /** Sessions per destination domain. */
  sessionsByDomain: Record<string, number>;
  /** Recipients claimed but not yet handed to a session. */
  waitingRecipients: number;
  /** Errors logged since start (database, unexpected failures); delivery outcomes are not errors. */
  errors: number;
  /** Destinations that asked us to slow down: until when, and how many sessions they get now. */
  throttled: Record<string, { until: Date; maxSessions: number }>;
}

export class DeliveryService {
  readonly #o: DeliveryOptions;
  readonly #backlog: Backlog;
  readonly #throttle: DestinationThrottle;
  readonly #sessionsByDomain = new Map<string, number>();
  readonly #workers = new Set<Promise<void>>();
  readonly #context: WorkerContext;
  #activeSessions = 0;
  #errors = 0;
  #isStarted = false;
  #isStopping = false;
  #stopped: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;
  #tick: Promise<void> | null = null;
  #isTickWanted = false;

  constructor(options: DeliveryOptions) {
    this.#o = options;
    this.#backlog = new Backlog({ isPerRecipient: Boolean(options.returnPath) });
    this.#throttle = new DestinationThrottle({ pauseMs: options.throttlePauseMs, now: options.now });
    const returnPath = options.returnPath;
    this.#context = {
      queue: options.queue,
      log: options.log,
      planner: new DestinationPlanner(options),
      backlog: this.#backlog,
      limits: { hostname: options.hostname, connectTimeoutMs: options.connectTimeoutMs, commandTimeoutMs: options.commandTimeoutMs },
      messagesPerSession: options.messagesPerSession,
      isStopping: () => this.#isStopping,
      record: (results) => this.#record(results),
      countError: () => {
        this.#errors++;
      },
      ...(returnPath ? { envelopeSender: (job: DeliveryJob) => returnPath(job.mailFrom, job.claims[0]!.rcptTo) } : {}),
    };
  }

  /** Starts the claim loop: every pollIntervalMs, after each enqueue, and whenever a session slot frees up. */
  start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    this.#unsubscribe = this.#o.queue.onEnqueued(() => this.wake());
    this.#timer = setInterval(() => this.wake(), this.#o.pollIntervalMs);
    this.wake();
  }

  /** Looks for due work now rather than at the next poll. */
  wake(): void {
    if (!this.#isStarted || this.#isStopping) return;
    if (this.#tick) {
      this.#isTickWanted = true;
      return;
    }
    this.#tick = this.#runTicks().finally(() => {
      this.#tick = null;
    });
  }

  /**
   * Stops claiming, lets every session finish the message it is sending
   * (bounded by the timeouts), gives the claims no session started back to
   * the queue, then resolves.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  status(): DeliveryStatus {
    return {
      activeSessions: this.#activeSessions,
      sessionsByDomain: Object.fromEntries(this.#sessionsByDomain),
      waitingRecipients: this.#backlog.recipientCount,
      errors: this.#errors,
      throttled: this.#throttle.status(),
    };
  }

  async #stop(): Promise<void> {
    this.#isStopping = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
    await this.#tick;
    while (this.#workers.size) await Promise.all(this.#workers);
    const claims = this.#backlog.drain();
    try {
      await this.#o.queue.releaseClaims(claims);
    } catch (err) {
      this.#o.log.error('could not release claims at shutdown; their lease will expire', { recipients: claims.length, err });
      this.#errors++;
    }
  }

  async #runTicks(): Promise<void> {
    do {
      this.#isTickWanted = false;
      try {
        await this.#claim();
      } catch (err) {
        // A database failure: the next tick (poll, enqueue, freed slot) tries again.
        this.#o.log.error('claiming due recipients failed; retrying on the next tick', { err });
        this.#errors++;
      }
      this.#dispatch();
    } while (this.#isTickWanted && !this.#isStopping);
  }

  async #claim(): Promise<void> {
    const freeSessions = this.#o.maxSessions - this.#activeSessions;
    const busyDomains = [
      ...[...this.#sessionsByDomain].filter(([d, n]) => n >= this.#throttle.limit(d, this.#o.destinationConcurrency)).map(([d]) => d),
      ...this.#throttle.paused().filter((d) => !this.#sessionsByDomain.has(d)),
    ];
    // Claim no more than can be started soon (a lease that runs out in the
    // backlog lets another node deliver the same recipient), but leave out
    // what waits for a busy destination: a slow domain's backlog must not
    // stop claims for every other domain.
    const waitingBusy = busyDomains.reduce((n, domain) => n + this.#backlog.recipientsOf(domain), 0);
    const room = this.#o.claimBatch - (this.#backlog.recipientCount - waitingBusy);
    if (freeSessions <= 0 || room <= 0) return;
    const claims = await this.#o.queue.claimDue(room, busyDomains);
    // Filed even when stopping: stop() releases everything in the backlog.
    this.#backlog.add(claims);
  }

  /** Starts workers for waiting jobs within both limits. */
  #dispatch(): void {
    if (this.#isStopping) return;
    for (const [domain, jobs] of this.#backlog.waiting()) {
      // One session per messagesPerSession waiting jobs: a few messages share a
      // session (one connection, several transactions) rather than open many.
      const wanted = Math.min(this.#throttle.limit(domain, this.#o.destinationConcurrency), Math.ceil(jobs / this.#o.messagesPerSession));
      while ((this.#sessionsByDomain.get(domain) ?? 0) < wanted && this.#activeSessions < this.#o.maxSessions) {
        this.#startWorker(domain);
      }
      if (this.#activeSessions >= this.#o.maxSessions) return;
    }
  }

  #startWorker(domain: string): void {
    this.#activeSessions++;
    this.#sessionsByDomain.set(domain, (this.#sessionsByDomain.get(domain) ?? 0) + 1);
    const worker = new DestinationWorker(domain, this.#context)
      .run()
      .catch((err: unknown) => {
        this.#o.log.error('delivery worker failed; its claims come back when their lease expires', { domain, err });
        this.#errors++;
      })
      .finally(() => {
        this.#activeSessions--;
        const left = (this.#sessionsByDomain.get(domain) ?? 1) - 1;
        if (left > 0) this.#sessionsByDomain.set(domain, left);
        else this.#sessionsByDomain.delete(domain);
        this.#workers.delete(worker);
        this.wake();
      });
    this.#workers.add(worker);
  }

  async #record(results: AttemptResult[]): Promise<void> {
    if (results.length === 0) return;
    this.#slowDownFor(results);
    try {
      const applied = await this.#o.queue.recordAttempts(results);
      if (applied < results.length) {
        // Fenced out: the lease ran out and another worker took the recipients over.
        this.#o.log.warn('some outcomes were not recorded: lease taken over', { recorded: applied, results: results.length });
      }
    } catch (err) {
      this.#o.log.error('recording delivery outcomes failed; the recipients are retried when their lease expires', {
        results: results.length, err,
      });
      this.#errors++;
    }
  }

  /**
   * A destination that rate-limits or blocks us is paused: what waits for it
   * here goes back to the queue (its lease would run out during a long pause),
   * and nothing new is claimed for it until the pause is over.
   */
  #slowDownFor(results: AttemptResult[]): void {
    const domains = new Set<string>();
    for (const r of results) {
      const { category, action } = classifyReply(r.reply);
      if (action === 'throttle' || category === 'policy-block') domains.add(r.claim.domain.toLowerCase());
    }
    for (const domain of domains) {
      this.#throttle.signal(domain);
      const claims = this.#backlog.takeAll(domain).flatMap((job) => job.claims);
      this.#o.log.warn('destination slowed down: it asked us to send less or blocked us', {
        domain, ...this.#throttle.status()[domain], released: claims.length,
      });
      if (claims.length) {
        this.#o.queue.releaseClaims(claims).catch((err: unknown) => {
          this.#o.log.error('could not release claims of a paused destination; their lease will expire', { domain, err });
          this.#errors++;
        });
      }
    }
  }
}
