// Builds one running relais from its config with plain constructors: database,
// queue, users, submission listener, delivery workers, HTTP health service and
// the control socket. Holds no business rule: everything it wires lives in
// relay-core.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hostname as osHostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { UserService } from '../relay-core/auth/index.ts';
import type { Config } from '../relay-core/config/index.ts';
import { openDb, type Db } from '../relay-core/db/index.ts';
import { DeliveryService, MxResolver } from '../relay-core/delivery/index.ts';
import { AnomalyService } from '../relay-core/anomaly/index.ts';
import { EventBus, EventRelay } from '../relay-core/events/index.ts';
import { certificateFingerprint, FederationIdentity, FederationService } from '../relay-core/federation/index.ts';
import { BlacklistService, SuppressionService } from '../relay-core/policy/index.ts';
import type { Logger } from '../relay-core/log.ts';
import { QueueAdmin, QueueService } from '../relay-core/queue/index.ts';
import { ReturnsAddress, ReturnsProcessor, SenderDirectory } from '../relay-core/returns/index.ts';
import { addressHasher, loadRelaySecret, StatsReport } from '../relay-core/stats/index.ts';
import { AuthThrottle, describeCertificate, loadTlsCredentials, SubmissionServer } from '../relay-core/submission/index.ts';
import { AdminAccounts, ApiTokens, SessionStore } from '../relay-core/accounts/index.ts';
import { AlertService } from '../relay-core/alerts/index.ts';
import { runAdminCommand } from './commands/index.ts';
import { startControlServer } from './control.ts';
import { createApi } from './api.ts';
import { RelayMetrics } from './metrics.ts';
import { startHttpsService } from './https.ts';

export interface RunningRelay {
  db: Db;
  queue: QueueService;
  admin: QueueAdmin;
  users: UserService;
  blacklist: BlacklistService;
  suppressions: SuppressionService;
  anomaly: AnomalyService;
  events: EventBus;
  federation: FederationService;
  smtpPort: number;
  httpPort: number;
  /** SIGTERM behaviour: stop accepting, finish or release in-flight work, close. */
  stop(): Promise<void>;
}

/** Opens the database the config names and brings its schema up to date. */
export async function openMigratedDb(config: Config): Promise<Db> {
  mkdirSync(config.dataDir, { recursive: true });
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await db.migrate();
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** The federation service of this data dir (identity) and database; not started. */
export async function openFederation(config: Config, db: Db, certPem: string, log: Logger): Promise<FederationService> {
  return new FederationService({
    db, identity: await FederationIdentity.loadOrCreate(config.dataDir), settings: config.federation, name: config.hostname,
    tlsFingerprint: certificateFingerprint(certPem), log,
  });
}

export async function startRelay(config: Config, log: Logger): Promise<RunningRelay> {
  mkdirSync(config.dataDir, { recursive: true });
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      await close().catch((err: Error) => log.error('shutdown step failed', { err }));
    }
  };
  try {
    // Before the database: a second process must not open an embedded database in use.
    let handler: Parameters<typeof startControlServer>[1] = async () => ({ lines: [{ stream: 'err', text: 'relais is starting' }], exitCode: 1 });
    const control = await startControlServer(config.dataDir, (request) => handler(request));
    closers.push(() => control.close());

    const db = await openMigratedDb(config);
    closers.push(() => db.close());

    const events = new EventBus();
    const nodeId = `${osHostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    if (db.kind === 'postgresql') {
      // Nodes sharing the database hear each other's events; PGlite is one process, its bus reaches everyone.
      const eventRelay = new EventRelay({ databaseUrl: config.databaseUrl, bus: events, nodeId, log });
      await eventRelay.start();
      closers.push(() => eventRelay.stop());
    }
    const tls = await loadTlsCredentials({ ...config.tls, dataDir: config.dataDir, hostname: config.hostname });
    if (tls.generated) log.warn('no TLS certificate configured: using a self-signed one', { dataDir: config.dataDir });
    const federation = await openFederation(config, db, tls.cert, log);
    await federation.start();
    closers.push(() => federation.stop());
    if (!federation.isEnabled) log.info('federation is off (no RELAIS_FEDERATION_NETWORK_KEY)', {});
    const hashAddress = addressHasher(await loadRelaySecret(db));
    const suppressions = new SuppressionService({ db, hashAddress, rules: config.suppression, log });
    await suppressions.start();
    closers.push(async () => suppressions.stop());
    const queue = new QueueService({
      db,
      events,
      hashAddress,
      evidence: suppressions,
      observer: federation,
      nodeId,
      hostname: config.hostname,
      schedule: config.queue,
      delayWarningMs: config.queue.delayWarningMs,
      leaseMs: config.queue.leaseMs,
    });
    const senders = new SenderDirectory({ sql: db });
    const returns = config.returns.address
      ? new ReturnsAddress({
          address: config.returns.address,
          key: await loadRelaySecret(db, 'returns_token_secret'),
          lifetimeDays: config.returns.tokenLifetimeDays,
        })
      : null;
    const reports = returns && new ReturnsProcessor({
      db, returns, senders, hashAddress, queue, events, evidence: suppressions, observer: federation, hostname: config.hostname,
      maxReportBytes: config.returns.maxReportBytes, log,
    });
    const admin = new QueueAdmin({ db });
    const users = new UserService({ db });
    const admins = new AdminAccounts({ db });
    const blacklist = new BlacklistService({ db });
    const stats = new StatsReport({ db });
    await blacklist.start();
    closers.push(async () => blacklist.stop());
    // Closed after the submission listener (closers run in reverse): its last counts are written out.
    const anomaly = new AnomalyService({ db, events, queue: admin, users, outcomes: stats, settings: config.anomaly, log, nodeId });
    await anomaly.start();
    closers.push(() => anomaly.stop());

    handler = async (request) => {
      if (request.argv[0] === 'ping') return { lines: [], exitCode: 0 };
      const lines: { stream: 'out' | 'err'; text: string }[] = [];
      const exitCode = await runAdminCommand(request.argv, {
        users,
        admins,
        admin,
        anomaly,
        blacklist,
        suppressions,
        stats,
        federation,
        stdin: Readable.from([request.stdin]),
        out: (text) => lines.push({ stream: 'out', text }),
        err: (text) => lines.push({ stream: 'err', text }),
      });
      return { lines, exitCode };
    };

    // Closers run in reverse order: the submission listener stops before the
    // delivery workers, so nothing is accepted while delivery winds down.
    const delivery = new DeliveryService({
      queue,
      resolver: new MxResolver({ servers: config.dns.servers, timeoutMs: config.dns.timeoutMs }),
      log,
      hostname: config.hostname,
      ...config.delivery,
      pollIntervalMs: config.queue.pollIntervalMs,
      claimBatch: config.queue.claimBatch,
      ...(returns ? { returnPath: async (mailFrom: string, rcptTo: string) => returns.envelopeFor(await senders.idOf(mailFrom), hashAddress(rcptTo)) } : {}),
    });
    closers.push(() => delivery.stop());
    const metrics = new RelayMetrics({ db, bus: events, delivery, log });
    closers.push(async () => metrics.stop());

    const submission = new SubmissionServer({
      queue,
      users,
      blacklist,
      suppressions,
      federation,
      gate: anomaly,
      onAuthFailure: () => metrics.authFailed(),
      ...(returns && reports
        ? { returns: { recognize: (rcpt: string) => returns.recognize(rcpt), allowedFrom: config.returns.allowedFrom, process: reports.process.bind(reports) } }
        : {}),
      hostname: config.hostname,
      tls,
      log,
      ...config.smtp,
    });
    const { port: smtpPort } = await submission.listen();
    closers.push(() => submission.close());
    delivery.start();

    const certificate = describeCertificate(tls.cert);
    const isDatabaseReachable = () => db.query('select 1').then(() => true, (err: Error) => {
      log.warn('health: the database does not answer', { err });
      return false;
    });
    const api = createApi({
      services: {
        db, queueAdmin: admin, users, blacklist, suppressions, anomaly, stats, events, admins, alerts: new AlertService({ db }),
        sessions: new SessionStore({ db, lifetimeHours: config.http.sessionHours }),
        tokens: new ApiTokens({ db }),
        federation,
        loginThrottle: new AuthThrottle({ limit: config.http.loginFailureLimit, windowMs: config.smtp.authFailureWindowMs }),
        health: async () => ({
          isDatabaseReachable: await isDatabaseReachable(), isSmtpListening: submission.isListening, isHttpsEnabled: !config.http.plain, certificate,
        }),
      },
      log,
    });
    const http = await startHttpsService({
      host: config.http.host,
      port: config.http.port,
      tls: config.http.plain ? null : tls,
      maxBodyBytes: config.http.maxBodyBytes,
      api,
      metrics: () => metrics.render(),
      consoleDir: fileURLToPath(new URL('../web/dist', import.meta.url)),
      log,
      isReady: async () => {
        await db.query('select 1');
        return true;
      },
    });
    closers.push(() => http.close());

    log.info('relais started', {
      smtp: `${config.smtp.host}:${smtpPort}`, http: `${config.http.plain ? 'http' : 'https'}://${config.http.host}:${http.port}`, database: db.kind,
    });
    let stopping: Promise<void> | null = null;
    return {
      db, queue, admin, users, blacklist, suppressions, anomaly, events, federation, smtpPort, httpPort: http.port,
      stop: () => (stopping ??= closeAll().then(() => log.info('relais stopped'))),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
