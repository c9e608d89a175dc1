// A real SMTP server (smtp-server) standing in for a recipient's MX, like
// KumoMTA's sink: what it answers depends on the recipient's local part, so a
// test chooses an outcome by choosing an address.
//   accept…   250 (so does any local part not listed here)
//   unknown…  550 5.1.1 <addr>: Recipient address rejected: User unknown
//   greylist… 451 4.7.1 Greylisted, try again later — the first time only
//   full…     452 4.2.2 Mailbox full
//   blocked…  554 5.7.1 … blocked using zen.spamhaus.org (our IP is listed: a policy block)
//   ratelimit… 450 4.7.1 Too many messages, slow down
//   disabled… 550 5.2.1 The email account that you tried to reach is disabled.
//   overquota… 552 5.2.2 Mailbox full (a final failure)
//   slow…     the reply to DATA comes after slowDataMs
//   drop…     the connection is cut while the message is being sent
// STARTTLS is offered with a self-signed certificate, AUTH is not. Every
// accepted message is kept in `messages` with its session id and TLS state.
import { EventEmitter } from 'node:events';
import { isIP, type Socket } from 'node:net';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface SinkCert {
  key: string;
  cert: string;
}

export interface SinkMxOptions {
  /** A loopback address, e.g. 127.0.0.2: one address per MX, all on the same port. */
  host: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Refuse every session at connect with `421 4.3.2 Service not available`. */
  greeting421?: boolean;
  /** Ignore the local-part rules and accept everything (a backup MX). */
  acceptAll?: boolean;
  /** Delay of the DATA reply for `slow…` recipients; 2000 ms by default. */
  slowDataMs?: number;
  /** Shared certificate (generating one costs a few hundred ms). */
  cert?: SinkCert;
  /** Greeting name. */
  name?: string;
  /** A reply of the test's own for a recipient (before the local-part rules); null: the rules decide. */
  answerFor?: (address: string) => { code: number; text: string } | null;
}

export interface SinkMessage {
  sessionId: string;
  mailFrom: string;
  /** Recipients accepted at RCPT, in order. */
  rcptTo: string[];
  body: Buffer;
  isTls: boolean;
  /** The sink's own address (which MX took it). */
  host: string;
}

export interface SinkMx {
  host: string;
  port: number;
  readonly messages: SinkMessage[];
  /** Sessions that reached the greeting stage, in total. */
  readonly sessionCount: number;
  /** The most sessions that were open at the same time. */
  readonly maxConcurrentSessions: number;
  /** DATA transfers begun, answered or not (a message "in flight" has begun one). */
  readonly dataStartedCount: number;
  /** Resolves once `predicate(messages)` holds; rejects after timeoutMs. */
  waitFor(predicate: (messages: readonly SinkMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function generateSinkCert(name = 'sink.test'): Promise<SinkCert> {
  const pems = await generate([{ name: 'commonName', value: name }], { keyType: 'ec', curve: 'P-256', notAfterDate: new Date(Date.now() + 2 * 86_400_000) });
  return { key: pems.private, cert: pems.cert };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function localPart(address: string): string {
  return address.slice(0, address.lastIndexOf('@')).toLowerCase();
}

export async function startSinkMx(options: SinkMxOptions): Promise<SinkMx> {
  const host = options.host;
  if (!(isIP(host) === 4 && host.startsWith('127.')) && host !== '::1') throw new Error(`sink MX binds loopback only, not ${host}`);
  const cert = options.cert ?? (await generateSinkCert());
  const slowDataMs = options.slowDataMs ?? 2000;
  const messages: SinkMessage[] = [];
  const changes = new EventEmitter();
  const greylisted = new Set<string>();
  const sockets = new Map<string, Socket>();
  const open = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let sessionCount = 0;
  let maxConcurrentSessions = 0;
  let dataStartedCount = 0;

  const rule = (address: string): string => (options.acceptAll ? 'accept' : localPart(address));
  const socketOf = (session: SMTPServerSession) => sockets.get(`${session.remoteAddress}:${session.remotePort}`);

  const server = new SMTPServer({
    name: options.name ?? `mx-${host}`,
    key: cert.key,
    cert: cert.cert,
    authOptional: true,
    disabledCommands: ['AUTH'],
    disableReverseLookup: true,
    logger: false,
    onConnect(session, callback) {
      if (options.greeting421) return callback(smtpError(421, '4.3.2 Service not available'));
      sessionCount++;
      open.add(session.id);
      maxConcurrentSessions = Math.max(maxConcurrentSessions, open.size);
      changes.emit('change');
      callback();
    },
    onClose(session) {
      open.delete(session.id);
    },
    onRcptTo(address, _session, callback) {
      const own = options.answerFor?.(address.address);
      if (own) return callback(own.code < 400 ? null : smtpError(own.code, own.text));
      const local = rule(address.address);
      if (local.startsWith('ratelimit')) return callback(smtpError(450, '4.7.1 Too many messages, slow down'));
      if (local.startsWith('disabled')) return callback(smtpError(550, '5.2.1 The email account that you tried to reach is disabled.'));
      if (local.startsWith('overquota')) return callback(smtpError(552, '5.2.2 Mailbox full'));
      if (local.startsWith('unknown')) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`));
      }
      if (local.startsWith('full')) return callback(smtpError(452, '4.2.2 Mailbox full'));
      if (local.startsWith('blocked')) {
        return callback(smtpError(554, '5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.25'));
      }
      if (local.startsWith('greylist') && !greylisted.has(address.address.toLowerCase())) {
        greylisted.add(address.address.toLowerCase());
        return callback(smtpError(451, '4.7.1 Greylisted, try again later'));
      }
      callback();
    },
    onData(stream, session, callback) {
      dataStartedCount++;
      const rcptTo = session.envelope.rcptTo.map((r) => r.address);
      const locals = rcptTo.map(rule);
      if (locals.some((l) => l.startsWith('drop'))) {
        stream.once('data', () => {
          const socket = socketOf(session);
          // Without the raw socket (never expected), a 421 still ends the session mid-transaction.
          if (socket) socket.destroy();
          else callback(smtpError(421, '4.4.2 Dropping the connection'));
        });
        stream.on('error', () => {});
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', () => {});
      stream.on('end', () => {
        const accept = () => {
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          messages.push({ sessionId: session.id, mailFrom, rcptTo, body: Buffer.concat(chunks), isTls: session.secure, host });
          changes.emit('change');
          callback(null, `2.0.0 Ok: queued as ${session.id}-${session.transaction}`);
        };
        if (!locals.some((l) => l.startsWith('slow'))) return accept();
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (open.has(session.id)) accept();
        }, slowDataMs);
        timers.add(timer);
      });
    },
  });
  server.on('error', () => {}); // client misbehaviour (the relay hanging up) is not a test failure
  // Raw sockets by peer, so `drop…` can cut the connection under smtp-server.
  server.server.on('connection', (socket: Socket) => {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    sockets.set(key, socket);
    socket.once('close', () => sockets.delete(key));
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    host,
    port,
    messages,
    get sessionCount() {
      return sessionCount;
    },
    get maxConcurrentSessions() {
      return maxConcurrentSessions;
    },
    get dataStartedCount() {
      return dataStartedCount;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(messages)) return;
          clearTimeout(deadline);
          changes.off('change', check);
          resolve();
        };
        const deadline = setTimeout(() => {
          changes.off('change', check);
          reject(new Error(`sink ${host}: condition not met within ${timeoutMs} ms (${messages.length} messages received)`));
        }, timeoutMs);
        changes.on('change', check);
        check();
      });
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
