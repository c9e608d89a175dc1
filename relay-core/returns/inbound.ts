// Reports that come back to the returns address: an RFC 3464 DSN for a
// message the receiver first accepted and then could not deliver, or an
// RFC 5965 complaint. Matched through the token (in the address the report was
// sent to, or in the Return-Path of the original quoted in it), then acted on
// in one transaction: bounce or complaint evidence for the suppression rules,
// counters, the attempt log, an alert, and for a failure a notice to the
// original sender. Anything forged, expired, unreadable or about another
// recipient changes nothing: the caller answers 250 with the reason, so the
// inbound MX neither retries nor bounces it.
import { alertInsertSql, alertRaisedEvent, HOUR_KEY_SQL } from '../alerts/index.ts';
import { addressEvidence, buildDsn, classifyReply, parseReport, type Reply, type ReportedRecipient } from '../bounces/index.ts';
import type { Db, Sql } from '../db/index.ts';
import type { EventBus, RelayEvent } from '../events/index.ts';
import type { Logger } from '../log.ts';
import type { AddressEvidence, EvidenceSink, OutcomeObserver, QueueService } from '../queue/index.ts';
import {
  categoryUpsertSql, complaintUpsertSql, counterUpsertSql, counterValues, domainOf, redactAddress, type AddressHasher,
} from '../stats/index.ts';
import type { ReturnsAddress, ReturnsRecipient, ReturnsTokenData } from './token.ts';
import type { SenderDirectory } from './senders.ts';

export interface ReturnsProcessorOptions {
  db: Db;
  returns: ReturnsAddress;
  senders: SenderDirectory;
  hashAddress: AddressHasher;
  queue: QueueService;
  events: EventBus;
  /** The suppression list; none: evidence is not kept. */
  evidence?: EvidenceSink;
  /** Told of late bounces and complaints whose recipient the report names (federation). */
  observer?: OutcomeObserver;
  /** Reporting MTA in the notices sent to senders. */
  hostname: string;
  /** How much of a report is parsed. */
  maxReportBytes: number;
  log: Logger;
}

/** What became of one report: `isApplied` false when it was ignored, and why. */
export interface ReportResult {
  isApplied: boolean;
  summary: string;
}

const ignored = (summary: string): ReportResult => ({ isApplied: false, summary });

/** Feedback types that are not complaints about our mail. */
const NOT_COMPLAINTS = new Set(['not-spam']);

export class ReturnsProcessor {
  readonly #o: ReturnsProcessorOptions;

  constructor(options: ReturnsProcessorOptions) {
    this.#o = options;
  }

  /**
   * Handles one report sent to `recipients` (returns addresses, as recognised
   * at RCPT). Throws only when the database fails (the caller answers 451 so
   * the MX tries again).
   */
  async process(recipients: ReturnsRecipient[], body: Buffer): Promise<ReportResult> {
    const report = await parseReport(body, { maxBytes: this.#o.maxReportBytes });
    const fromRcpt = recipients.find((r) => r.kind === 'token');
    const quoted = report.kind === 'none' || !report.returnPath ? null : this.#o.returns.recognize(report.returnPath);
    const token = fromRcpt?.token ?? (quoted?.kind === 'token' ? quoted.token : null);
    if (!token) return ignored('no returns token in the address or in the quoted message');
    const check = this.#o.returns.check(token);
    if (!check.ok) return ignored(`${check.reason} returns token`);
    if (report.kind === 'none') return ignored(`not a delivery report or complaint: ${report.reason}`);
    if (report.kind === 'complaint') {
      if (NOT_COMPLAINTS.has(report.feedbackType)) return ignored(`feedback type ${report.feedbackType} is not a complaint`);
      // Many feedback loops redact the recipient; when the report names it, it must be the token's.
      const named = report.originalRcptTo.find((a) => this.#o.hashAddress(a) === check.data.recipientHash) ?? null;
      return this.#complaint(check.data, report.feedbackType, named);
    }
    const failed = report.recipients.filter((r) => r.action === 'failed');
    if (failed.length === 0) return ignored('no recipient with Action: failed');
    const mine = failed.find((r) => [r.finalRecipient, r.originalRecipient].some((a) => a && this.#o.hashAddress(a) === check.data.recipientHash));
    if (!mine) return ignored('the report is about another recipient than its token');
    return this.#lateBounce(check.data, mine, report.reportingMta);
  }

  async #lateBounce(token: ReturnsTokenData, r: ReportedRecipient, reportingMta: string | null): Promise<ReportResult> {
    const address = (r.finalRecipient ?? r.originalRecipient)!;
    const reply: Reply = r.diagnostic ?? { code: r.status?.startsWith('4.') ? 450 : 550, enhanced: r.status, text: 'reported without a diagnostic' };
    const { category } = classifyReply(reply);
    const evidence = addressEvidence(category, 'bounced');
    const sender = await this.#o.senders.addressOf(token.senderId);
    const domain = domainOf(address);
    const hash = token.recipientHash;
    const events: RelayEvent[] = [{ type: 'recipient.bounced', payload: { domain, code: reply.code, enhanced: reply.enhanced, category, isLate: true } }];
    const { remembered, afterCommit } = await this.#o.db.transaction(async (sql) => {
      await sql.query(
        `insert into attempt (recipient_hash, domain, outcome, category, mx_host, is_tls, code, enhanced, text)
         values (?, ?, 'bounced', ?, ?, null, ?, ?, ?)`,
        [hash, domain, category, r.remoteMta ?? reportingMta, reply.code, reply.enhanced, redactAddress(reply.text, address).slice(0, 2000)],
      );
      await this.#count(sql, sender, hash, domain, category);
      if (category === 'policy-block') events.push(...(await this.#alert(sql, 'policy-block', domain, { enhanced: reply.enhanced, text: redactAddress(reply.text, address).slice(0, 300) })));
      const remembered = evidence ? await this.#recordEvidence(sql, [{ recipientHash: hash, kind: evidence, category, enhanced: reply.enhanced }]) : [];
      await this.#o.events.record(sql, events);
      let afterCommit = () => {};
      if (sender) {
        const notice = buildDsn({
          reportingMta: this.#o.hostname,
          queueId: 'late-report',
          mailFrom: sender,
          arrivalDate: new Date(),
          originalHeaders: '',
          intro: `Your message was accepted by the receiving system${reportingMta ? ` (${reportingMta})` : ''}, which later reported that it could not be delivered.`,
          recipients: [{ rcptTo: address, reason: 'bounced', reply, remoteMta: r.remoteMta ?? reportingMta, lastAttemptAt: new Date() }],
        });
        ({ afterCommit } = await this.#o.queue.enqueueIn(sql, [{ mailFrom: '', submittedBy: null, rcptTo: [sender], body: notice, isDsn: true }]));
      }
      return { remembered, afterCommit };
    });
    this.#afterCommit(remembered, events);
    afterCommit();
    if (evidence) this.#o.observer?.observe([{ address, fact: evidence, enhanced: reply.enhanced, at: new Date() }]);
    this.#o.log.info('late bounce recorded', { domain, category, code: reply.code, enhanced: reply.enhanced, hasNotice: Boolean(sender) });
    return { isApplied: true, summary: `late bounce recorded (${category})${sender ? ', sender notified' : ''}` };
  }

  async #complaint(token: ReturnsTokenData, feedbackType: string, address: string | null): Promise<ReportResult> {
    const sender = await this.#o.senders.addressOf(token.senderId);
    const hash = token.recipientHash;
    const events: RelayEvent[] = [{ type: 'recipient.complained', payload: { feedbackType } }];
    const remembered = await this.#o.db.transaction(async (sql) => {
      if (sender) {
        await sql.query(complaintUpsertSql('sender_stat', 'values (?::text, 1)'), [sender]);
        events.push(...(await this.#alert(sql, 'complaint', sender, { feedbackType })));
      }
      await sql.query(complaintUpsertSql('recipient_stat', 'values (?::text, 1)'), [hash]);
      const remembered = await this.#recordEvidence(sql, [{ recipientHash: hash, kind: 'complaint', category: 'complaint', enhanced: null }]);
      await this.#o.events.record(sql, events);
      return remembered;
    });
    this.#afterCommit(remembered, events);
    if (address) this.#o.observer?.observe([{ address, fact: 'complaint', enhanced: null, at: new Date() }]);
    this.#o.log.info('complaint recorded', { feedbackType, sender });
    return { isApplied: true, summary: `complaint recorded (${feedbackType})` };
  }

  async #count(sql: Sql, sender: string | null, hash: string, domain: string, category: string): Promise<void> {
    const bounced = (key: string) => counterValues(new Map([[key, { bounced: 1 }]]));
    const statements = [
      { sql: counterUpsertSql('recipient_stat', bounced(hash).sql), params: bounced(hash).params },
      { sql: counterUpsertSql('destination_stat', bounced(domain).sql), params: bounced(domain).params },
      { sql: categoryUpsertSql('recipient_category_stat', "values (?::text, 'bounced', ?::text, 1)"), params: [hash, category] },
    ];
    if (sender) {
      statements.push(
        { sql: counterUpsertSql('sender_stat', bounced(sender).sql), params: bounced(sender).params },
        { sql: categoryUpsertSql('sender_category_stat', "values (?::text, 'bounced', ?::text, 1)"), params: [sender, category] },
      );
    }
    for (const st of statements) await sql.query(st.sql, st.params);
  }

  async #alert(sql: Sql, kind: 'policy-block' | 'complaint', subject: string, detail: Record<string, unknown>): Promise<RelayEvent[]> {
    const rows = await sql.query<{ id: string; kind: string; subject: string }>(
      alertInsertSql(`select ?::text, ?::text, ?::jsonb, ?::text || ':' || ?::text || ':' || ${HOUR_KEY_SQL}`),
      [kind, subject, JSON.stringify(detail), kind, subject],
    );
    return rows.map(alertRaisedEvent);
  }

  #recordEvidence(sql: Sql, items: AddressEvidence[]): Promise<unknown[]> {
    return this.#o.evidence ? this.#o.evidence.recordEvidence(sql, items) : Promise.resolve([]);
  }

  #afterCommit(remembered: unknown[], events: RelayEvent[]): void {
    if (remembered.length) this.#o.evidence!.remember(remembered);
    this.#o.events.publish(events);
  }
}
