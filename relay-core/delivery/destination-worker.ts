// One worker holds one session slot of one destination: it plans the
// destination (route or MX), then walks its targets in order, sending the
// domain's waiting jobs over one session at a time. A target that cannot be
// reached, greets with an error, or loses a message mid-transaction is left
// for the next one; when none is left the job is deferred with the last
// answer, and if no target could even be connected to, the whole waiting
// backlog of the domain with it (Postfix's "destination unreachable").
import { classifyReply, localReply, type Reply } from '../bounces/index.ts';
import type { Logger } from '../log.ts';
import type { AttemptResult, QueueService } from '../queue/index.ts';
import type { Backlog, DeliveryJob } from './backlog.ts';
import type { DestinationPlanner, SmtpTarget } from './destination.ts';
import { toCrlf } from './line-endings.ts';
import { SmtpSession, type SessionLimits } from './smtp-session.ts';

export interface WorkerContext {
  queue: QueueService;
  log: Logger;
  planner: DestinationPlanner;
  backlog: Backlog;
  limits: SessionLimits;
  messagesPerSession: number;
  isStopping(): boolean;
  /** Records results; logs and counts a failure instead of throwing. */
  record(results: AttemptResult[]): Promise<void>;
  /** Counts an error that was logged. */
  countError(): void;
  /** The envelope sender to use for a job (the returns address); none: the submitted one. */
  envelopeSender?: (job: DeliveryJob) => Promise<string>;
}

/** The same reply for every recipient of a job. */
function resultsFor(job: DeliveryJob, reply: Reply, mxHost: string | null, isTls: boolean | null, isPermanent = false): AttemptResult[] {
  return job.claims.map((claim) => ({ claim, reply, mxHost, isTls, ...(isPermanent ? { isPermanent } : {}) }));
}

/** How a session ended for the walk: go on at the same target, or move to the next. */
type SessionEnd =
  | { kind: 'drained' }
  | { kind: 'reopen'; job: DeliveryJob }
  | { kind: 'broken'; job: DeliveryJob; reply: Reply; hasAnswered: boolean };

export class DestinationWorker {
  readonly #domain: string;
  readonly #ctx: WorkerContext;

  constructor(domain: string, ctx: WorkerContext) {
    this.#domain = domain;
    this.#ctx = ctx;
  }

  async run(): Promise<void> {
    const first = this.#ctx.backlog.take(this.#domain);
    if (!first) return;
    let plan;
    try {
      plan = await this.#ctx.planner.plan(this.#domain);
    } catch (err) {
      this.#ctx.log.error('destination planning failed', { domain: this.#domain, err });
      this.#ctx.countError();
      plan = { kind: 'temporary', reply: localReply(451, '4.4.3', 'Destination lookup failed') } as const;
    }
    if (this.#ctx.isStopping()) {
      this.#ctx.backlog.putBack(first);
      return;
    }
    if (plan.kind !== 'targets') {
      const isPermanent = plan.kind === 'permanent';
      const jobs = [first, ...this.#ctx.backlog.takeAll(this.#domain)];
      await this.#ctx.record(jobs.flatMap((job) => resultsFor(job, plan.reply, null, null, isPermanent)));
      return;
    }
    await this.#walk(plan.targets, first);
  }

  async #walk(targets: SmtpTarget[], first: DeliveryJob): Promise<void> {
    let job: DeliveryJob | undefined = first;
    let index = 0;
    let hasConnected = false;
    let lastFailure: { reply: Reply; mxHost: string | null } | null = null;
    while (job) {
      if (this.#ctx.isStopping()) {
        this.#ctx.backlog.putBack(job);
        return;
      }
      const target = targets[index];
      if (!target) {
        // Every target failed this job. If none could even be reached, the
        // other waiting jobs would only wait for the same timeouts: defer them too.
        const failure = lastFailure ?? { reply: localReply(451, '4.4.1', 'No MX host could be reached'), mxHost: null };
        const failed = hasConnected ? [job] : [job, ...this.#ctx.backlog.takeAll(this.#domain)];
        await this.#ctx.record(failed.flatMap((j) => resultsFor(j, failure.reply, failure.mxHost, null)));
        this.#ctx.log.warn('destination deferred: no MX host took the message', {
          domain: this.#domain, messages: failed.length, code: failure.reply.code, text: failure.reply.text,
        });
        job = this.#ctx.backlog.take(this.#domain);
        index = 0;
        hasConnected = false;
        lastFailure = null;
        continue;
      }
      const opened = await SmtpSession.open(target, this.#ctx.limits);
      if (opened.kind === 'failed') {
        lastFailure = { reply: opened.reply, mxHost: opened.hasAnswered ? target.mxHost : null };
        index++;
        continue;
      }
      hasConnected = true;
      const end = await this.#useSession(opened.session, job);
      if (end.kind === 'drained') return;
      job = end.job;
      if (end.kind === 'broken') {
        lastFailure = { reply: end.reply, mxHost: end.hasAnswered ? target.mxHost : null };
        index++;
      }
    }
  }

  /** Sends jobs over one session until the backlog is empty, the session limit is reached, or it breaks. */
  async #useSession(session: SmtpSession, first: DeliveryJob): Promise<SessionEnd> {
    let job: DeliveryJob | undefined = first;
    let sent = 0;
    // Outcomes are recorded while the next message is already being sent:
    // the queue commits them in groups, and this worker waits for them all
    // before it ends, so stop() still sees every outcome recorded.
    const recording: Promise<void>[] = [];
    try {
      while (job) {
        if (this.#ctx.isStopping()) {
          this.#ctx.backlog.putBack(job);
          return { kind: 'drained' };
        }
        const body = await this.#loadBody(job);
        if (!body) {
          job = this.#ctx.backlog.take(this.#domain);
          continue;
        }
        const mailFrom = await this.#envelopeSender(job);
        if (mailFrom === null) {
          job = this.#ctx.backlog.take(this.#domain);
          continue;
        }
        if (sent > 0 && !(await session.reset())) return { kind: 'reopen', job };
        const outcome = await session.send(mailFrom, job.claims.map((c) => c.rcptTo), body);
        if (outcome.kind === 'broken') return { ...outcome, job };
        recording.push(this.#recordAnswers(job, outcome.replies, session));
        sent++;
        job = this.#ctx.backlog.take(this.#domain);
        // A fresh session once the per-session limit is reached or the MX closed this one.
        if (job && (sent >= this.#ctx.messagesPerSession || !session.isOpen)) return { kind: 'reopen', job };
      }
      return { kind: 'drained' };
    } finally {
      await Promise.all([session.close(), ...recording]);
    }
  }

  async #recordAnswers(job: DeliveryJob, replies: Map<string, Reply>, session: SmtpSession): Promise<void> {
    const results = job.claims.map((claim) => ({
      claim,
      reply: replies.get(claim.rcptTo) ?? localReply(451, '4.3.0', 'No reply recorded for this recipient'),
      mxHost: session.target.mxHost,
      isTls: session.isTls,
    }));
    await this.#ctx.record(results);
    const tally: Record<string, number> = {};
    for (const r of results) {
      // The queue's own decision (a policy block defers even on 5xx), not the bare code class.
      const { action } = classifyReply(r.reply);
      tally[action] = (tally[action] ?? 0) + 1;
    }
    // No addresses in the log: it outlives the queue row (DESIGN.md principle 2).
    this.#ctx.log.info('delivery attempt', {
      messageId: job.messageId, domain: this.#domain, mx: session.target.mxHost, address: session.target.address,
      isTls: session.isTls, ...tally,
    });
  }

  /** The body with CRLF line ends; null when the message is gone (deleted by an admin) or unreadable. */
  async #loadBody(job: DeliveryJob): Promise<Buffer | null> {
    try {
      const body = job.body ?? (await this.#ctx.queue.loadBody(job.messageId));
      return body ? toCrlf(body) : null;
    } catch (err) {
      await this.#giveBack(job, 'could not load a message body; its recipients go back to the queue', err);
      return null;
    }
  }

  /** The envelope sender for the job; null when it could not be made (the job went back to the queue). */
  async #envelopeSender(job: DeliveryJob): Promise<string | null> {
    if (!this.#ctx.envelopeSender || job.mailFrom === '') return job.mailFrom;
    try {
      return await this.#ctx.envelopeSender(job);
    } catch (err) {
      await this.#giveBack(job, 'could not make the returns address; the recipients go back to the queue', err);
      return null;
    }
  }

  async #giveBack(job: DeliveryJob, message: string, err: unknown): Promise<void> {
    this.#ctx.log.error(message, { messageId: job.messageId, err });
    this.#ctx.countError();
    await this.#ctx.queue.releaseClaims(job.claims).catch((releaseErr: unknown) => {
      this.#ctx.log.error('could not release claims; their lease will expire', { messageId: job.messageId, err: releaseErr });
      this.#ctx.countError();
    });
  }
}
