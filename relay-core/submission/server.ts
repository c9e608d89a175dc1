// The submission listener (smtp-server): STARTTLS, AUTH only inside TLS,
// per-IP AUTH throttling, sender rights on MAIL FROM and on From:, recipient
// and size limits, blacklists and suppressions, then the queue. The 250 is
// sent only once the queue has committed the message (DESIGN.md principle 1).
// Mail for the returns address is the one thing taken without AUTH (from the
// inbound MX hosts allowed): it is a report, processed here, never relayed.
// An optional gate (relay-core/anomaly) may refuse a sender at MAIL FROM
// (spike hold, throttle, quota) and counts every message queued.
//
// smtp-server's enhanced status codes stay off (its default): it would prefix
// every error text with a code derived from the reply code alone (553 ->
// 5.1.3), so each reply written here carries its own enhanced status instead.
import type { AddressInfo } from 'node:net';
import { BlockList, isIPv6 } from 'node:net';
import {
  type SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerAuthenticationResponse,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import { isSenderAllowed } from '../auth/index.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log.ts';
import { parseFromAddresses, normalizeLineEndings, formatReceivedHeader } from './message.ts';
import type {
  ReturnsRecipient, SubmissionBlacklist, SubmissionFederation, SubmissionGate, SubmissionQueue, SubmissionReturns, SubmissionSuppressions, SubmissionUsers,
} from './collaborators.ts';
import { checkRecipient } from './recipient.ts';
import { TunedSMTPServer } from './tuned-smtp-server.ts';
import { AuthThrottle } from './throttle.ts';

type SmtpConfig = Config['smtp'];

/** The `smtp` config slice (port 0: any free port), with the parts the listener drives. */
export interface SubmissionOptions extends SmtpConfig {
  queue: SubmissionQueue;
  users: SubmissionUsers;
  /** Refuses blacklisted senders at MAIL and recipients at RCPT; none when absent. */
  blacklist?: SubmissionBlacklist;
  /** Refuses suppressed recipients at RCPT; none when absent. */
  suppressions?: SubmissionSuppressions;
  /** Refuses recipients suppressed on federated evidence, after every local check; none when absent. */
  federation?: SubmissionFederation;
  /** Takes reports for the returns address; none: no returns address. */
  returns?: SubmissionReturns;
  /** Spike holds, throttling and quotas, at MAIL FROM (reports excepted); none when absent. */
  gate?: SubmissionGate;
  /** Name in the greeting, EHLO reply and Received: fields. */
  hostname: string;
  tls: { key: string | Buffer; cert: string | Buffer };
  log: Logger;
  /** How long close() lets messages being received finish. Default 10 s. */
  closeTimeoutMs?: number;
  /** Called on each failed AUTH (metrics). */
  onAuthFailure?: () => void;
  /** Clock for the AUTH throttle window. */
  now?: () => number;
}

interface SessionUser {
  login: string;
  allowedSenders: string[];
}

/** An error smtp-server turns into this reply; `text` starts with the enhanced status. */
function buildReply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** Commands with no use on a submission port; XCLIENT/XFORWARD would let a client rewrite its own IP. */
const ALWAYS_DISABLED = ['XCLIENT', 'XFORWARD', 'WIZ', 'SHELL', 'KILL'];
/**
 * Before STARTTLS AUTH is neither advertised nor accepted: a client that
 * never sees it offered never sends a password in clear text.
 */
const DISABLED_BEFORE_TLS = [...ALWAYS_DISABLED, 'AUTH'];
/** Refused commands one connection may collect before it is closed (Postfix smtpd_hard_error_limit). */
const MAX_REFUSALS = 20;

export class SubmissionServer {
  readonly #o: SubmissionOptions;
  readonly #smtp: SMTPServer;
  readonly #trusted = new BlockList();
  readonly #reportSenders: BlockList | null = null;
  /** Sessions without AUTH that may only hand over reports for the returns address. */
  readonly #reportsOnly = new WeakSet<SMTPServerSession>();
  readonly #throttle: AuthThrottle;
  readonly #refusals = new WeakMap<SMTPServerSession, number>();
  /** Sessions inside DATA (from the DATA command to the reply), and their work. */
  readonly #inData = new Map<string, Promise<void>>();
  #isClosing = false;
  #closed: Promise<void> | undefined;

  constructor(options: SubmissionOptions) {
    this.#o = options;
    for (const net of options.trustedNetworks) this.#trusted.addSubnet(net.address, net.prefix, net.family);
    if (options.returns?.allowedFrom.length) {
      this.#reportSenders = new BlockList();
      for (const net of options.returns.allowedFrom) this.#reportSenders.addSubnet(net.address, net.prefix, net.family);
    }
    this.#throttle = new AuthThrottle({ limit: options.authFailureLimit, windowMs: options.authFailureWindowMs, now: options.now });
    this.#smtp = new TunedSMTPServer({
      name: options.hostname,
      banner: 'relais submission',
      key: options.tls.key,
      cert: options.tls.cert,
      minVersion: 'TLSv1.2',
      size: options.maxMessageSizeBytes,
      hideSTARTTLS: false,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      // Who must authenticate depends on the client's network: decided in onMailFrom/onRcptTo.
      authOptional: true,
      disabledCommands: ALWAYS_DISABLED,
      disableReverseLookup: true,
      maxClients: options.maxClients,
      socketTimeout: options.socketTimeoutMs,
      closeTimeout: options.closeTimeoutMs ?? 10_000,
      logger: false,
      onConnect: (session, cb) => this.#onConnect(session, cb),
      onSecure: (_socket, session, cb) => {
        session.disabledCommands = ALWAYS_DISABLED;
        cb();
      },
      onAuth: (auth, session, cb) => {
        this.#onAuth(auth, session).then((response) => cb(null, response), (err: Error) => cb(err));
      },
      // Answered asynchronously on purpose: smtp-server 3.21.6 loses the rest of
      // the input (and the connection hangs) when a pipelined second message
      // reaches its end-of-data synchronously inside the first one's continue().
      onMailFrom: (address, session, cb) => void Promise.resolve().then(() => cb(this.#checkMailFrom(address, session))),
      onRcptTo: (address, session, cb) => void this.#checkRcptTo(address, session).then(cb, (err: Error) => {
        this.#o.log.error('recipient check failed', { err });
        cb(buildReply(451, '4.3.0 Temporary failure, try again later'));
      }),
      onData: (stream, session, cb) => this.#onData(stream, session, cb),
    });
    // Per-connection socket errors (resets mid-transaction) surface here; without a listener they would crash the process.
    this.#smtp.on('error', (err: Error & { remoteAddress?: string }) => {
      options.log.warn('submission connection error', { err, client: err.remoteAddress });
    });
  }

  /** Whether the listener accepts connections now (false before listen() and once closing). */
  get isListening(): boolean {
    return this.#smtp.server.listening && !this.#isClosing;
  }

  /** Resolves once listening, with the port actually bound. */
  listen(): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      const server = this.#smtp.server;
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      this.#smtp.listen(this.#o.port, this.#o.host, () => {
        server.off('error', onError);
        const { port } = server.address() as AddressInfo;
        this.#o.log.info('submission listening', { host: this.#o.host, port });
        resolve({ port });
      });
    });
  }

  /**
   * Stops accepting connections and closes idle ones at once; a client in
   * the middle of DATA gets its reply (250 or 4xx) first, within
   * closeTimeoutMs. Then every connection is closed with 421.
   */
  close(): Promise<void> {
    this.#closed ??= this.#shutDown();
    return this.#closed;
  }

  async #shutDown(): Promise<void> {
    this.#isClosing = true;
    const stopped = new Promise<void>((resolve) => this.#smtp.close(() => resolve()));
    for (const connection of this.#smtp.connections) {
      if (!this.#inData.has(connection.session.id)) connection.send(421, '4.3.2 Service shutting down, try again later');
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#o.closeTimeoutMs ?? 10_000);
    });
    await Promise.race([Promise.allSettled([...this.#inData.values()]), deadline]);
    clearTimeout(timer);
    for (const connection of this.#smtp.connections) connection.send(421, '4.3.2 Service shutting down, try again later');
    await stopped;
  }

  #isTrusted(session: SMTPServerSession, list: BlockList = this.#trusted): boolean {
    const address = session.remoteAddress;
    try {
      return list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
    } catch {
      return false; // not an IP address at all (e.g. a socket path): trusted by nothing
    }
  }

  /** Whether this client may hand over reports for the returns address without AUTH. */
  #mayReport(session: SMTPServerSession): boolean {
    if (!this.#o.returns) return false;
    return this.#reportSenders === null || this.#isTrusted(session, this.#reportSenders);
  }

  /** Counts a refusal; past MAX_REFUSALS the connection is closed instead (421 ends it). */
  #refuse(session: SMTPServerSession, code: number, text: string): Error {
    const count = (this.#refusals.get(session) ?? 0) + 1;
    this.#refusals.set(session, count);
    if (count >= MAX_REFUSALS) return buildReply(421, '4.7.0 Too many errors, closing connection');
    return buildReply(code, text);
  }

  #onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    if (this.#isClosing) return cb(buildReply(421, '4.3.2 Service shutting down, try again later'));
    session.disabledCommands = DISABLED_BEFORE_TLS;
    cb();
  }

  async #onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<SMTPServerAuthenticationResponse> {
    const client = session.remoteAddress;
    if (this.#throttle.isThrottled(client)) {
      this.#o.log.warn('auth refused: too many failures from client', { client });
      throw buildReply(454, '4.7.0 Too many failed authentication attempts, try again later');
    }
    const login = auth.username ?? '';
    // RFC 4616: an authzid other than the authcid asks to act as someone else; no proxy rights exist here.
    const isProxyRequest = auth.method === 'PLAIN' && Boolean(auth.authzid) && Boolean(auth.authcid) && auth.authzid !== auth.authcid;
    let user: SessionUser | null;
    try {
      user = await this.#o.users.authenticate(login, auth.password ?? '');
    } catch (err) {
      this.#o.log.error('auth failed: user store unavailable', { err, client });
      throw buildReply(454, '4.7.0 Temporary authentication failure, try again later');
    }
    if (!user || isProxyRequest) {
      this.#throttle.recordFailure(client);
      this.#o.onAuthFailure?.();
      this.#o.log.warn('auth failed', { client, login, method: auth.method });
      return { message: '5.7.8 Authentication credentials invalid', responseCode: 535 };
    }
    this.#o.log.info('auth succeeded', { client, login: user.login, method: auth.method });
    return { user: { login: user.login, allowedSenders: user.allowedSenders } satisfies SessionUser };
  }

  /** The AUTH user, or null for a trusted client without AUTH; an Error when the client may not send at all. */
  #sender(session: SMTPServerSession): SessionUser | null | Error {
    const user = session.user as SessionUser | undefined;
    if (user) return user;
    if (this.#isTrusted(session)) return null;
    return this.#refuse(session, 530, '5.7.0 Authentication required');
  }

  #checkMailFrom(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    if (this.#isClosing) return buildReply(421, '4.3.2 Service shutting down, try again later');
    let user = this.#sender(session);
    if (user instanceof Error && !session.user && this.#mayReport(session)) {
      // Whether this is a report is known at RCPT: only the returns address will be accepted.
      this.#reportsOnly.add(session);
      user = null;
    }
    if (user instanceof Error) return user;
    const blocked = address.address ? this.#o.blacklist?.match('sender', address.address) : null;
    if (blocked) {
      this.#o.log.warn('sender refused: blacklisted', { client: session.remoteAddress, pattern: blocked.pattern });
      return this.#refuse(session, 550, `5.7.1 <${address.address}>: Sender address rejected: ${blocked.reason}`);
    }
    if (user === null) return this.#reportsOnly.has(session) ? null : this.#checkGate(session, null, address.address);
    this.#reportsOnly.delete(session);
    // Only the relay itself sends DSNs (null sender); from a user it is a way to dodge bounces.
    if (address.address === '') return this.#refuse(session, 553, '5.7.1 <>: Sender address rejected: the null sender is not allowed');
    if (!isSenderAllowed(user.allowedSenders, address.address)) {
      this.#o.log.warn('sender refused', { client: session.remoteAddress, login: user.login, mailFrom: address.address });
      return this.#refuse(session, 553, `5.7.1 <${address.address}>: Sender address rejected: not owned by user ${user.login}`);
    }
    return this.#checkGate(session, user.login, address.address);
  }

  #checkGate(session: SMTPServerSession, login: string | null, mailFrom: string): Error | null {
    const refusal = this.#o.gate?.check({ login, mailFrom, client: session.remoteAddress });
    if (!refusal) return null;
    this.#o.log.warn('sender refused: gate', { client: session.remoteAddress, login, reply: `${refusal.code} ${refusal.text}` });
    return this.#refuse(session, refusal.code, refusal.text);
  }

  async #checkRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<Error | null> {
    const isReport = Boolean(this.#o.returns?.recognize(address.address));
    const user = this.#reportsOnly.has(session) ? (isReport ? null : this.#refuse(session, 530, '5.7.0 Authentication required')) : this.#sender(session);
    if (user instanceof Error) return user;
    const refusal = checkRecipient(address.address);
    if (refusal) return this.#refuse(session, refusal.code, refusal.text);
    if (session.envelope.rcptTo.length >= this.#o.maxRecipients) return buildReply(452, '4.5.3 Too many recipients');
    if (isReport) return null;
    const blocked = this.#o.blacklist?.match('recipient', address.address);
    if (blocked) return this.#refuse(session, 550, `5.7.1 <${address.address}>: Recipient address rejected: ${blocked.reason}`);
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const suppressed = this.#o.suppressions?.match(address.address, { login: user?.login ?? null, mailFrom });
    if (suppressed) {
      const scope = suppressed.scope ? ` for ${suppressed.scope}` : '';
      const until = suppressed.expiresAt ? `, until ${suppressed.expiresAt.toISOString().slice(0, 10)}` : '';
      return this.#refuse(session, 550,
        `5.1.1 <${address.address}>: Recipient address rejected: suppressed${scope} since ${suppressed.createdAt.toISOString().slice(0, 10)}${until}: ${suppressed.reason}`);
    }
    // Last: it hashes the address (slow on purpose, cached), and only when federated verdicts exist.
    const federated = await this.#o.federation?.check(address.address);
    return federated ? this.#refuse(session, federated.code, federated.text) : null;
  }

  #onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const id = session.id;
    const tracked = this.#receive(stream, session)
      .then(
        (reply) => cb(null, reply),
        (err: Error) => cb(err),
      )
      .catch((err: unknown) => this.#o.log.error('submission reply failed', { err }))
      .finally(() => {
        this.#inData.delete(id);
        // The reply went out synchronously in cb; now this connection may go too.
        if (this.#isClosing) setImmediate(() => this.#closeSession(id));
      });
    this.#inData.set(id, tracked);
  }

  #closeSession(sessionId: string): void {
    for (const connection of this.#smtp.connections) {
      if (connection.session.id === sessionId) connection.send(421, '4.3.2 Service shutting down, try again later');
    }
  }

  /** Reads, checks and queues one message (or takes a report); resolves with the 250 text, rejects with the SMTP reply. */
  async #receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const max = this.#o.maxMessageSizeBytes;
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    // Read to the end whatever happens: the reply may only follow the final dot.
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sizeBytes += chunk.length;
      if (sizeBytes <= max) chunks.push(chunk);
    }
    if (stream.sizeExceeded || sizeBytes > max) {
      this.#o.log.warn('message refused: too big', { client: session.remoteAddress, sizeBytes, maxBytes: max });
      throw buildReply(552, '5.3.4 Message size exceeds fixed maximum message size');
    }
    const body = normalizeLineEndings(Buffer.concat(chunks, sizeBytes));
    const rcptTo = session.envelope.rcptTo.map((r) => r.address);
    const reports = this.#o.returns ? rcptTo.flatMap((r) => this.#o.returns!.recognize(r) ?? []) : [];
    if (reports.length === rcptTo.length) return this.#takeReport(reports, body, session);

    const user = session.user as SessionUser | undefined;
    if (user) {
      const from = parseFromAddresses(body);
      if (from === null) {
        throw this.#refuse(session, 550, '5.7.1 Message rejected: a From: header with valid addresses is required');
      }
      const foreign = from.find((address) => !isSenderAllowed(user.allowedSenders, address));
      if (foreign !== undefined) {
        this.#o.log.warn('from header refused', { client: session.remoteAddress, login: user.login, from: foreign });
        throw this.#refuse(session, 550, `5.7.1 <${foreign}>: From: address rejected: not owned by user ${user.login}`);
      }
    }

    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const received = formatReceivedHeader({
      heloName: session.hostNameAppearsAs,
      clientAddress: session.remoteAddress,
      hostname: this.#o.hostname,
      protocol: session.transmissionType,
      at: new Date(),
    });
    const message = Buffer.concat([Buffer.from(received, 'latin1'), body]);
    // A report sent along with ordinary recipients (a user copying the returns address): processed too.
    if (reports.length) await this.#takeReport(reports, body, session);
    let queueId: string;
    const queued = { mailFrom, submittedBy: user?.login ?? null, rcptTo: rcptTo.filter((r) => !this.#o.returns?.recognize(r)) };
    try {
      queueId = await this.#o.queue.enqueue({ ...queued, body: message });
    } catch (err) {
      this.#o.log.error('enqueue failed; message refused with 451', { err, client: session.remoteAddress, login: user?.login });
      throw buildReply(451, '4.3.0 Temporary failure, please retry later');
    }
    try {
      this.#o.gate?.accepted({ login: queued.submittedBy, mailFrom, rcptTo: queued.rcptTo });
    } catch (err) {
      // Committed already: the 250 stands whatever the gate did.
      this.#o.log.error('gate failed to count a message', { err, queueId });
    }
    // No addresses here: a log line must not link a sender to its recipients (DESIGN.md principle 2).
    this.#o.log.info('message queued', {
      queueId,
      client: session.remoteAddress,
      login: user?.login ?? null,
      sizeBytes: message.length,
      recipients: session.envelope.rcptTo.length,
    });
    return `2.0.0 queued as ${queueId}`;
  }

  /** Processes a report for the returns address; resolves with the reply text (a 250 whether applied or ignored). */
  async #takeReport(reports: ReturnsRecipient[], body: Buffer, session: SMTPServerSession): Promise<string> {
    let result;
    try {
      result = await this.#o.returns!.process(reports, body);
    } catch (err) {
      this.#o.log.error('report processing failed; refused with 451', { err, client: session.remoteAddress });
      throw buildReply(451, '4.3.0 Temporary failure, please retry later');
    }
    this.#o.log.info(result.isApplied ? 'report applied' : 'report ignored', { client: session.remoteAddress, summary: result.summary });
    return `2.0.0 report ${result.isApplied ? 'accepted' : 'ignored'}: ${result.summary}`;
  }
}
