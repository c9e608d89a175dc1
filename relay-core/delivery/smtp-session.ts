// One SMTP client session to one MX address, over nodemailer's low-level
// SMTPConnection, with every server answer turned into a Reply value.
// TLS is opportunistic (RFC 3207 + RFC 7435): STARTTLS whenever the MX offers
// it, certificate not verified, because MX certificates are mostly self-signed
// or for another name and a verified-or-nothing policy would send that mail in
// clear (or not at all) instead; the encryption still defeats passive
// listening. Verified TLS belongs to MTA-STS/DANE, which a later policy layer
// enforces per destination.
import { isIP } from 'node:net';
import SMTPConnection, { type SMTPError } from 'nodemailer/lib/smtp-connection';
import { localReply, parseReplyLine, type Reply } from '../bounces/index.ts';
import type { SmtpTarget } from './destination.ts';

export interface SessionLimits {
  /** EHLO name. */
  hostname: string;
  /** Connecting plus greeting, EHLO and STARTTLS. */
  connectTimeoutMs: number;
  /** Longest silence allowed while waiting for any reply. */
  commandTimeoutMs: number;
}

/**
 * - `open`: a session ready for MAIL FROM.
 * - `failed`: no session; `reply` is the server's greeting/EHLO answer (`hasAnswered`) or a local stand-in (4.4.1).
 */
export type OpenResult = { kind: 'open'; session: SmtpSession } | { kind: 'failed'; reply: Reply; hasAnswered: boolean };

/**
 * - `answered`: the server gave an answer for every recipient (RCPT refusal or the DATA reply).
 * - `broken`: the session ended before the transaction completed (421, drop, silence); try the message elsewhere.
 */
export type TransactionOutcome =
  | { kind: 'answered'; replies: Map<string, Reply> }
  | { kind: 'broken'; reply: Reply; hasAnswered: boolean };

/** How long an MX that never answers QUIT keeps its socket. */
const QUIT_GRACE_MS = 2000;

function where(target: SmtpTarget): string {
  const address = isIP(target.address) === 6 ? `[${target.address}]` : target.address;
  return `${target.mxHost}[${address}]:${target.port}`;
}

function isTimeout(err: SMTPError): boolean {
  return err.code === 'ETIMEDOUT' || err.originalCode === 'ETIMEDOUT';
}

/** The server's reply carried by an error, if it carries one. */
function serverReply(err: SMTPError): Reply | null {
  return err.responseCode && err.response ? parseReplyLine(err.response, err.responseCode) : null;
}

export class SmtpSession {
  readonly target: SmtpTarget;
  readonly #connection: SMTPConnection;
  readonly #limits: SessionLimits;
  #isOpen = true;

  private constructor(target: SmtpTarget, connection: SMTPConnection, limits: SessionLimits) {
    this.target = target;
    this.#connection = connection;
    this.#limits = limits;
    connection.once('end', () => {
      this.#isOpen = false;
    });
  }

  /** Connects, reads the greeting, EHLO, STARTTLS when offered. Never throws. */
  static async open(target: SmtpTarget, limits: SessionLimits): Promise<OpenResult> {
    const first = await SmtpSession.#connect(target, limits, false);
    // Like Postfix at `may` security: an MX whose TLS stack fails the handshake
    // gets the mail in clear rather than never.
    if (first.kind === 'failed' && first.isTlsFailure) {
      const plain = await SmtpSession.#connect(target, limits, true);
      if (plain.kind === 'open') return plain;
    }
    if (first.kind === 'open') return first;
    const answer = serverReply(first.err);
    if (answer) return { kind: 'failed', reply: answer, hasAnswered: true };
    const cause = isTimeout(first.err) ? 'timed out' : `failed: ${first.err.originalCode ?? first.err.code ?? first.err.message}`;
    return { kind: 'failed', reply: localReply(451, '4.4.1', `Connection to ${where(target)} ${cause}`), hasAnswered: false };
  }

  static #connect(
    target: SmtpTarget,
    limits: SessionLimits,
    ignoreTLS: boolean,
  ): Promise<{ kind: 'open'; session: SmtpSession } | { kind: 'failed'; err: SMTPError; isTlsFailure: boolean }> {
    const connection = new SMTPConnection({
      host: target.address,
      port: target.port,
      name: limits.hostname,
      servername: isIP(target.mxHost) ? undefined : target.mxHost,
      opportunisticTLS: true,
      ignoreTLS,
      tls: { rejectUnauthorized: false },
      connectionTimeout: limits.connectTimeoutMs,
      greetingTimeout: limits.connectTimeoutMs,
      socketTimeout: limits.commandTimeoutMs,
      logger: false,
    });
    return new Promise((resolve) => {
      let isSettled = false;
      const settle = (err?: SMTPError) => {
        if (isSettled) return;
        isSettled = true;
        if (err) {
          // A handshake error surfaces as ESOCKET (ERR_SSL_*) rather than ETLS;
          // `upgrading` tells it happened during STARTTLS.
          const isTlsFailure = err.code === 'ETLS' || connection.upgrading === true;
          connection.close();
          resolve({ kind: 'failed', err, isTlsFailure });
        } else {
          resolve({ kind: 'open', session: new SmtpSession(target, connection, limits) });
        }
      };
      // SMTPConnection emits 'error' for most failures; an EventEmitter without
      // a listener would throw it, so one stays attached for the session's life.
      connection.on('error', (err: SMTPError) => settle(err));
      connection.once('end', () => settle(Object.assign(new Error('Connection closed before the session started'), { code: 'ECONNECTION' })));
      connection.connect((err) => settle(err));
    });
  }

  get isOpen(): boolean {
    return this.#isOpen && !this.#connection.destroyed;
  }

  /** True once STARTTLS succeeded. */
  get isTls(): boolean {
    return this.#connection.secure;
  }

  /** One transaction: MAIL FROM, one RCPT per recipient, DATA. Never throws. */
  send(mailFrom: string, rcptTo: string[], body: Buffer): Promise<TransactionOutcome> {
    if (!this.isOpen) return Promise.resolve(this.#broken(null));
    const hasEightBit = body.some((byte) => byte > 0x7f);
    return new Promise((resolve) => {
      this.#connection.send({ from: mailFrom, to: rcptTo, size: body.length, use8BitMime: hasEightBit }, body, (err, info) => {
        if (!err) {
          const dataReply = parseReplyLine(info.response, 250);
          resolve({ kind: 'answered', replies: this.#perRecipient(rcptTo, dataReply, info.rejectedErrors ?? []) });
          return;
        }
        // 421 anywhere, a drop or a silence past commandTimeoutMs: nodemailer
        // has closed the session and the message was not taken.
        if (!this.isOpen) {
          resolve(this.#broken(err));
          return;
        }
        const reply = serverReply(err) ?? this.#localFailure(err);
        if (err.command === 'MAIL FROM') {
          resolve({ kind: 'answered', replies: new Map(rcptTo.map((r) => [r, reply])) });
          return;
        }
        resolve({ kind: 'answered', replies: this.#perRecipient(rcptTo, reply, err.rejectedErrors ?? this.#rejectedSoFar()) });
      });
    });
  }

  /** RSET between messages; false when the session is no longer usable. */
  reset(): Promise<boolean> {
    if (!this.isOpen) return Promise.resolve(false);
    return new Promise((resolve) => this.#connection.reset((err) => resolve(!err && this.isOpen)));
  }

  /**
   * QUIT, resolving once the session is closed (the MX answered, or did not
   * within QUIT_GRACE_MS and the socket was dropped). Waiting keeps the
   * session count honest: the next session to the MX starts after this one ended.
   */
  close(): Promise<void> {
    if (!this.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#connection.close(), QUIT_GRACE_MS);
      this.#connection.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#connection.quit();
    });
  }

  /** Refused recipients keep their RCPT reply; every other one gets `reply`. */
  #perRecipient(rcptTo: string[], reply: Reply, rejected: SMTPError[]): Map<string, Reply> {
    const replies = new Map<string, Reply>();
    for (const r of rejected) {
      if (r.recipient) replies.set(r.recipient, serverReply(r) ?? reply);
    }
    for (const r of rcptTo) if (!replies.has(r)) replies.set(r, reply);
    return replies;
  }

  /**
   * The RCPT refusals of the transaction in progress. nodemailer hands them
   * over on success and when every recipient was refused, but not when DATA
   * itself fails afterwards; without them a recipient refused at RCPT would
   * be reported with the DATA reply instead of its own.
   */
  #rejectedSoFar(): SMTPError[] {
    const envelope = (this.#connection as unknown as { _envelope?: { rejectedErrors?: SMTPError[] } })._envelope;
    return envelope?.rejectedErrors ?? [];
  }

  #broken(err: SMTPError | null): TransactionOutcome {
    const answer = err ? serverReply(err) : null;
    if (answer) return { kind: 'broken', reply: answer, hasAnswered: true };
    if (err && isTimeout(err)) {
      const text = `${where(this.target)} did not answer within ${this.#limits.commandTimeoutMs} ms`;
      return { kind: 'broken', reply: localReply(451, '4.4.2', text), hasAnswered: false };
    }
    const cause = err ? ` (${err.originalCode ?? err.code ?? err.message})` : '';
    const text = `Connection to ${where(this.target)} lost before the message was accepted${cause}`;
    return { kind: 'broken', reply: localReply(451, '4.4.2', text), hasAnswered: false };
  }

  /** A send refused before anything reached the server (nodemailer's own checks). */
  #localFailure(err: SMTPError): Reply {
    if (err.code === 'EMESSAGE') return localReply(552, '5.3.4', `Message too big for ${this.target.mxHost}: ${err.message}`);
    if (err.code === 'EENVELOPE') return localReply(553, '5.1.3', `Address not accepted for sending: ${err.message}`);
    return localReply(451, '4.3.0', `Local error sending to ${where(this.target)}: ${err.message}`);
  }
}
