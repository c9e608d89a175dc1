// What every delivery scenario needs: a fresh database with a real queue, a
// DNS server on loopback, sink MX hosts on one port of several loopback
// addresses, and DeliveryService instances that are stopped after each test.
import { EventBus } from '../../relay-core/events/index.ts';
import { DeliveryService, MxResolver, type DeliveryOptions } from '../../relay-core/delivery/index.ts';
import { silentLogger } from '../../relay-core/log.ts';
import { QueueAdmin, QueueService, type QueuedMessage } from '../../relay-core/queue/index.ts';
import { addressHasher } from '../../relay-core/stats/index.ts';
import { openTestDb } from '../support/db.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { generateSinkCert, startSinkMx, type SinkCert, type SinkMx, type SinkMxOptions } from '../support/sink-mx.ts';

export type TestDb = Awaited<ReturnType<typeof openTestDb>>;

export interface AttemptRow {
  domain: string;
  outcome: string;
  mx_host: string | null;
  is_tls: boolean | null;
  code: number;
  enhanced: string | null;
  text: string;
}

/** Polls an async condition until it holds; fails with `what` after timeoutMs. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const body = (subject: string) =>
  Buffer.from(`From: sender@sender.test\r\nTo: someone\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@sender.test>\r\n\r\nhello\r\n`);

export class DeliveryHarness {
  readonly db: TestDb;
  readonly dns: TestDnsServer;
  readonly queue: QueueService;
  readonly admin: QueueAdmin;
  readonly cert: SinkCert;
  /** Loopback prefix of this file's MX addresses, e.g. `127.0.3.`. */
  readonly net: string;
  port = 0;
  readonly #sinks: SinkMx[] = [];
  readonly #services: DeliveryService[] = [];

  private constructor(db: TestDb, dns: TestDnsServer, cert: SinkCert, net: string) {
    this.db = db;
    this.dns = dns;
    this.cert = cert;
    this.net = net;
    this.queue = DeliveryHarness.makeQueue(db, 'node-a');
    this.admin = new QueueAdmin({ db });
  }

  /** `net` keeps test files apart: each uses its own 127.0.N.x addresses. */
  static async open(net: string): Promise<DeliveryHarness> {
    const [db, dns, cert] = await Promise.all([openTestDb(), startDnsServer(), generateSinkCert()]);
    return new DeliveryHarness(db, dns, cert, net);
  }

  static makeQueue(db: TestDb, nodeId: string): QueueService {
    return new QueueService({
      db, events: new EventBus(), hashAddress: addressHasher(Buffer.alloc(32, 7)), nodeId, hostname: 'relay.test',
      schedule: { retryFirstMs: 200, retryMaxMs: 800, maxAgeMs: 3_600_000 }, leaseMs: 60_000,
    });
  }

  /** `127.0.N.last` */
  ip(last: number): string {
    return `${this.net}${last}`;
  }

  /** A sink on `127.0.N.last`; every sink of the file shares the first one's port. */
  async sink(last: number, options: Omit<SinkMxOptions, 'host' | 'port' | 'cert'> = {}): Promise<SinkMx> {
    const sink = await startSinkMx({ ...options, host: this.ip(last), port: this.port, cert: this.cert });
    this.port = sink.port;
    this.#sinks.push(sink);
    return sink;
  }

  delivery(overrides: Partial<DeliveryOptions> = {}, queue: QueueService = this.queue): DeliveryService {
    const service = new DeliveryService({
      queue,
      resolver: new MxResolver({ servers: [{ host: this.dns.host, port: this.dns.port }], timeoutMs: 500 }),
      log: silentLogger,
      hostname: 'relay.test',
      mxPort: this.port,
      allowPrivateMx: true,
      routes: [],
      destinationConcurrency: 4,
      maxSessions: 20,
      messagesPerSession: 10,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 3000,
      throttlePauseMs: 60_000,
      pollIntervalMs: 50,
      claimBatch: 100,
      ...overrides,
    });
    this.#services.push(service);
    return service;
  }

  enqueue(rcptTo: string[], subject: string, mailFrom = 'sender@sender.test'): Promise<string> {
    return this.queue.enqueue({ mailFrom, submittedBy: 'alice', rcptTo, body: body(subject) });
  }

  attempts(domain: string): Promise<AttemptRow[]> {
    return this.db.query<AttemptRow>(
      'select domain, outcome, mx_host, is_tls, code, enhanced, text from attempt where domain = ? order by id',
      [domain],
    );
  }

  async recipient(rcptTo: string): Promise<QueuedMessage['recipients'][number] | undefined> {
    const messages = await this.admin.list();
    return messages.flatMap((m) => m.recipients).find((r) => r.rcptTo === rcptTo);
  }

  /** Stops this test's services and empties the queue and the sinks' logs. */
  async reset(): Promise<void> {
    await Promise.all(this.#services.splice(0).map((s) => s.stop()));
    await this.admin.remove({ all: true });
    for (const sink of this.#sinks) sink.messages.length = 0;
  }

  async close(): Promise<void> {
    await this.reset();
    await Promise.all(this.#sinks.map((s) => s.close()));
    await this.dns.close();
    await this.db.drop();
  }
}
