// Every configuration key in one table: TOML path, environment name, zod type,
// default and description. The schema, `config show` and the README's key list
// are all derived from this table, so they cannot drift apart.
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseCidrList, parseHostPortList, parseRoutes } from './parse.ts';

export interface KeyDef {
  /** TOML path, `section.key`. */
  path: string;
  env: string;
  type: z.ZodType;
  default: unknown;
  description: string;
  isSecret?: boolean;
}

const ms = z.coerce.number().int().min(0);
const count = z.coerce.number().int().min(0);
const positiveInt = z.coerce.number().int().min(1);
const port = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform(
  (v) => v === true || v === 'true' || v === '1' || v === 'yes',
);
/** A list given either as a TOML array or as a comma-separated string (env). */
const list = <T>(parse: (items: string[]) => T) =>
  z.union([z.array(z.string()), z.string()]).transform((v, ctx) => {
    const items = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
    try {
      return parse(items);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

export const KEYS: KeyDef[] = [
  { path: 'dataDir', env: 'RELAIS_DATA_DIR', type: z.string().min(1), default: './data',
    description: 'Directory for the embedded database, generated TLS certificate and relay secret.' },
  { path: 'databaseUrl', env: 'RELAIS_DATABASE_URL', isSecret: true,
    type: z.string().refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v), 'must be empty or a postgres:// URL'),
    default: '', description: 'PostgreSQL URL (postgres://user:pass@host/db). Empty: embedded PGlite in dataDir.' },
  { path: 'hostname', env: 'RELAIS_HOSTNAME', type: z.string().min(1), default: hostname(),
    description: 'Name used in EHLO, in the SMTP greeting, in Received: headers and in DSNs.' },

  { path: 'smtp.host', env: 'RELAIS_SMTP_HOST', type: z.string().min(1), default: '0.0.0.0',
    description: 'Address the submission listener binds to.' },
  { path: 'smtp.port', env: 'RELAIS_SMTP_PORT', type: port, default: 2525,
    description: 'Submission port (STARTTLS, AUTH PLAIN/LOGIN).' },
  { path: 'smtp.trustedNetworks', env: 'RELAIS_TRUSTED_NETWORKS', type: list(parseCidrList), default: [],
    description: 'CIDRs that may submit without AUTH (like Postfix mynetworks), comma-separated. Default: none.' },
  { path: 'smtp.maxMessageSizeBytes', env: 'RELAIS_MAX_MESSAGE_SIZE', type: positiveInt, default: 26214400,
    description: 'Largest message accepted, in bytes (552 5.3.4 above it).' },
  { path: 'smtp.maxRecipients', env: 'RELAIS_MAX_RECIPIENTS', type: positiveInt, default: 1000,
    description: 'Most recipients in one message (452 4.5.3 above it).' },
  { path: 'smtp.authFailureLimit', env: 'RELAIS_AUTH_FAILURE_LIMIT', type: positiveInt, default: 5,
    description: 'Failed AUTH attempts one client IP may make within authFailureWindowMs before it is refused.' },
  { path: 'smtp.authFailureWindowMs', env: 'RELAIS_AUTH_FAILURE_WINDOW_MS', type: ms, default: 600000,
    description: 'Window for counting failed AUTH attempts per client IP, and how long a throttled IP waits.' },
  { path: 'smtp.maxClients', env: 'RELAIS_SMTP_MAX_CLIENTS', type: positiveInt, default: 500,
    description: 'Most simultaneous submission connections.' },
  { path: 'smtp.socketTimeoutMs', env: 'RELAIS_SMTP_SOCKET_TIMEOUT_MS', type: ms, default: 300000,
    description: 'Idle time after which a submission connection is closed (RFC 5321 4.5.3.2: 5 minutes).' },

  { path: 'tls.certFile', env: 'RELAIS_TLS_CERT_FILE', type: z.string(), default: '',
    description: 'PEM certificate chain for STARTTLS. Empty: a self-signed one is generated in dataDir at first start.' },
  { path: 'tls.keyFile', env: 'RELAIS_TLS_KEY_FILE', type: z.string(), default: '',
    description: 'PEM private key matching tls.certFile.' },

  { path: 'http.host', env: 'RELAIS_HTTP_HOST', type: z.string().min(1), default: '127.0.0.1',
    description: 'Address the HTTPS service (GraphQL API, console, /healthz, /metrics) binds to.' },
  { path: 'http.port', env: 'RELAIS_HTTP_PORT', type: port, default: 8025,
    description: 'Port of the HTTPS service.' },
  { path: 'http.plain', env: 'RELAIS_HTTP_PLAIN', type: bool, default: false,
    description: 'Serve plain HTTP instead of HTTPS: only behind a reverse proxy that terminates TLS (cookies are still marked Secure).' },
  { path: 'http.maxBodyBytes', env: 'RELAIS_HTTP_MAX_BODY', type: positiveInt, default: 1048576,
    description: 'Largest request body accepted by the API, in bytes (413 above it).' },
  { path: 'http.sessionHours', env: 'RELAIS_SESSION_HOURS', type: positiveInt, default: 12,
    description: 'Lifetime of a console/API login session, in hours.' },
  { path: 'http.loginFailureLimit', env: 'RELAIS_LOGIN_FAILURE_LIMIT', type: positiveInt, default: 5,
    description: 'Failed API logins one client IP may make within smtp.authFailureWindowMs before it is refused for that long.' },

  { path: 'dns.servers', env: 'RELAIS_DNS_SERVERS', type: list(parseHostPortList), default: [],
    description: 'DNS resolvers as host[:port], comma-separated. Empty: the system resolver.' },
  { path: 'dns.timeoutMs', env: 'RELAIS_DNS_TIMEOUT_MS', type: ms, default: 5000,
    description: 'Time allowed for one DNS query before the destination is deferred.' },

  { path: 'delivery.mxPort', env: 'RELAIS_MX_PORT', type: port, default: 25,
    description: 'TCP port used to reach MX hosts (25; other values are for test set-ups).' },
  { path: 'delivery.allowPrivateMx', env: 'RELAIS_ALLOW_PRIVATE_MX', type: bool, default: false,
    description: 'Allow MX addresses in loopback/private/link-local ranges. Off: such MX hosts are refused.' },
  { path: 'delivery.routes', env: 'RELAIS_ROUTES', type: list(parseRoutes), default: [],
    description: 'Static routes like Postfix transport/relayhost: domain=host:port, *=host:port for all. Default: none (MX).' },
  { path: 'delivery.destinationConcurrency', env: 'RELAIS_DESTINATION_CONCURRENCY', type: positiveInt, default: 20,
    description: 'Most simultaneous SMTP sessions to one destination domain from this node.' },
  { path: 'delivery.maxSessions', env: 'RELAIS_MAX_SESSIONS', type: positiveInt, default: 100,
    description: 'Most simultaneous outbound SMTP sessions from this node.' },
  { path: 'delivery.messagesPerSession', env: 'RELAIS_MESSAGES_PER_SESSION', type: positiveInt, default: 50,
    description: 'Most messages sent over one SMTP session before it is closed.' },
  { path: 'delivery.connectTimeoutMs', env: 'RELAIS_CONNECT_TIMEOUT_MS', type: ms, default: 30000,
    description: 'Time allowed to connect to an MX and read its greeting.' },
  { path: 'delivery.commandTimeoutMs', env: 'RELAIS_COMMAND_TIMEOUT_MS', type: ms, default: 300000,
    description: 'Time allowed for any one SMTP reply from an MX (a tarpitting MX is given up after it).' },

  { path: 'delivery.throttlePauseMs', env: 'RELAIS_THROTTLE_PAUSE_MS', type: ms, default: 60000,
    description: 'After a destination asks us to slow down (rate limit) or blocks us (policy block), this node sends it nothing for this long, then one session at a time for ten times as long; each new signal doubles the pause, up to 16 times.' },

  { path: 'queue.retryFirstMs', env: 'RELAIS_RETRY_FIRST_MS', type: ms, default: 300000,
    description: 'Delay before the first retry of a deferred recipient (5 minutes, like Postfix).' },
  { path: 'queue.retryMaxMs', env: 'RELAIS_RETRY_MAX_MS', type: ms, default: 3600000,
    description: 'Longest delay between retries; the delay doubles from retryFirstMs up to this.' },
  { path: 'queue.maxAgeMs', env: 'RELAIS_QUEUE_MAX_AGE_MS', type: ms, default: 432000000,
    description: 'Time after which an undelivered recipient expires and its sender gets a DSN (5 days).' },
  { path: 'queue.delayWarningMs', env: 'RELAIS_DELAY_WARNING_MS', type: ms, default: 0,
    description: 'After this long in the queue, the sender is warned once that a recipient is still being retried (like Postfix delay_warning_time). 0: never.' },
  { path: 'queue.leaseMs', env: 'RELAIS_LEASE_MS', type: positiveInt, default: 900000,
    description: 'How long a worker owns claimed work; after it, another node takes the work over.' },
  { path: 'queue.pollIntervalMs', env: 'RELAIS_POLL_INTERVAL_MS', type: positiveInt, default: 1000,
    description: 'How often the delivery loop looks for due work when nothing woke it.' },
  { path: 'queue.claimBatch', env: 'RELAIS_CLAIM_BATCH', type: positiveInt, default: 200,
    description: 'Most recipients claimed from the queue in one query.' },

  { path: 'returns.address', env: 'RELAIS_RETURNS_ADDRESS', type: z.string().refine((v) => v === '' || /^[^@\s+]+@[^@\s]+\.[^@\s]+$/.test(v), 'must be empty or an address like returns@example.org (no "+")'),
    default: '', description: 'Returns address: outgoing envelope senders become returns+TOKEN@ its domain, so late bounces and complaints come back to relais. Empty: envelope senders are left as submitted.' },
  { path: 'returns.allowedFrom', env: 'RELAIS_RETURNS_ALLOWED_FROM', type: list(parseCidrList), default: [],
    description: 'CIDRs of the inbound MX hosts allowed to hand mail for the returns address to relais without AUTH. Empty: any client.' },
  { path: 'returns.tokenLifetimeDays', env: 'RELAIS_RETURNS_TOKEN_DAYS', type: positiveInt, default: 30,
    description: 'How long a returns token stays valid: bounces and complaints arriving later are ignored.' },
  { path: 'returns.maxReportBytes', env: 'RELAIS_RETURNS_MAX_REPORT_SIZE', type: positiveInt, default: 1048576,
    description: 'How much of a bounce or complaint report is parsed; the rest (usually the quoted original message) is read and dropped.' },

  { path: 'suppression.hardBounces', env: 'RELAIS_SUPPRESS_HARD_BOUNCES', type: count, default: 1,
    description: 'Hard bounces (unknown mailbox or domain, disabled mailbox) after which a recipient is suppressed. 0: never.' },
  { path: 'suppression.softBounces', env: 'RELAIS_SUPPRESS_SOFT_BOUNCES', type: count, default: 5,
    description: 'Soft bounces (mailbox full, recipient-side failures that expired) within softWindowDays after which a recipient is suppressed. 0: never.' },
  { path: 'suppression.softWindowDays', env: 'RELAIS_SUPPRESS_SOFT_WINDOW_DAYS', type: positiveInt, default: 7,
    description: 'Window, in days, for counting soft bounces.' },
  { path: 'suppression.complaints', env: 'RELAIS_SUPPRESS_COMPLAINTS', type: count, default: 1,
    description: 'Complaints (ARF abuse reports) after which a recipient is suppressed. 0: never.' },
  { path: 'suppression.expiryDays', env: 'RELAIS_SUPPRESSION_EXPIRY_DAYS', type: count, default: 90,
    description: 'Days after which an automatic suppression expires (manual ones: as given). 0: never.' },

  { path: 'federation.publicUrl', env: 'RELAIS_PUBLIC_URL',
    type: z.string().refine((v) => v === '' || /^https:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/.test(v), 'must be empty or an https:// URL without query or credentials'),
    default: '', description: 'The HTTPS URL peers use to reach this relay (its /graphql is the feed), as `federation whoami` prints it for them.' },
  { path: 'federation.networkKey', env: 'RELAIS_FEDERATION_NETWORK_KEY', isSecret: true,
    type: z.string().refine((v) => v === '' || v.trim().length >= 16, 'must be empty or at least 16 characters (e.g. openssl rand -base64 32)'),
    default: '', description: 'The key the federating relays agreed on out of band; it keys the federation hash of addresses. Empty: federation is off (no events made, no peer pulled).' },
  { path: 'federation.syncIntervalSeconds', env: 'RELAIS_FEDERATION_SYNC_INTERVAL', type: positiveInt, default: 300,
    description: 'How often, in seconds, each peer\'s feed is pulled (a failing peer is retried later, doubling up to 32 times this).' },
  { path: 'federation.minOrigins', env: 'RELAIS_FEDERATION_MIN_ORIGINS', type: positiveInt, default: 2,
    description: 'Distinct relays (this one counts as one) whose evidence an address needs before federation suppresses it: no single peer can suppress an address on its word alone.' },
  { path: 'federation.allowPrivatePeers', env: 'RELAIS_ALLOW_PRIVATE_PEERS', type: bool, default: false,
    description: 'Allow peer URLs that resolve to loopback/private addresses (test set-ups, relays inside one private network). Off: refused.' },
  { path: 'federation.hardWeight', env: 'RELAIS_FEDERATION_HARD_WEIGHT', type: z.coerce.number().min(0), default: 2,
    description: 'Sum of the weights of the relays that saw an address bounce hard (unknown mailbox or domain, disabled) at which federation suppresses it. 0: never.' },
  { path: 'federation.softBounces', env: 'RELAIS_FEDERATION_SOFT_BOUNCES', type: z.coerce.number().min(0), default: 5,
    description: 'Weighted count of soft bounces (mailbox full, recipient-side failures that expired) within softWindowDays at which federation suppresses an address. 0: never.' },
  { path: 'federation.softWindowDays', env: 'RELAIS_FEDERATION_SOFT_WINDOW_DAYS', type: positiveInt, default: 7,
    description: 'Window, in days, for counting federated soft bounces.' },
  { path: 'federation.complaintWeight', env: 'RELAIS_FEDERATION_COMPLAINT_WEIGHT', type: z.coerce.number().min(0), default: 0,
    description: 'Sum of the weights of the relays that received a complaint from an address at which federation suppresses it. 0 (default): complaints are shared but never suppress here (a complaint is about one sender).' },
  { path: 'federation.localWeight', env: 'RELAIS_FEDERATION_LOCAL_WEIGHT', type: z.coerce.number().min(0).max(10), default: 1,
    description: 'Weight of this relay\'s own evidence in the federated rules (peers have theirs, set with `peer add --weight`).' },
  { path: 'federation.transitiveFactor', env: 'RELAIS_FEDERATION_TRANSITIVE_FACTOR', type: z.coerce.number().min(0).max(1), default: 0.5,
    description: 'Weight of an event from a relay we never met, served by a peer trusted with --transitive: that peer\'s weight times this factor.' },
  { path: 'federation.maxHops', env: 'RELAIS_FEDERATION_MAX_HOPS', type: positiveInt, default: 2,
    description: 'Longest path an accepted event may have travelled: 1 is a peer\'s own events, 2 adds the events of its peers.' },
  { path: 'federation.maxAgeDays', env: 'RELAIS_FEDERATION_MAX_AGE_DAYS', type: positiveInt, default: 14,
    description: 'Events older than this are refused when pulled and stop counting (evidence decays); a later local successful delivery overrides older claims.' },
  { path: 'federation.originDailyCap', env: 'RELAIS_FEDERATION_ORIGIN_DAILY_CAP', type: positiveInt, default: 10000,
    description: 'Most events stored from one origin relay per 24 hours; more are refused (rate-cap), so a flooding peer fills neither the disk nor the rules.' },
  { path: 'federation.fetchTimeoutMs', env: 'RELAIS_FEDERATION_FETCH_TIMEOUT_MS', type: positiveInt, default: 30000,
    description: 'Time allowed for one feed page from a peer (connect, TLS, request, whole response).' },
  { path: 'federation.maxResponseBytes', env: 'RELAIS_FEDERATION_MAX_RESPONSE', type: positiveInt, default: 8388608,
    description: 'Largest feed page accepted from a peer, in bytes.' },

  { path: 'anomaly.action', env: 'RELAIS_ANOMALY_ACTION', type: z.enum(['hold', 'throttle', 'alert']), default: 'hold',
    description: 'What a traffic spike from one sender (SMTP login, or envelope sender without AUTH) leads to, besides an alert: hold (new mail refused with 451 4.7.1 and queued mail held until an admin releases the sender), throttle (new mail refused with 451 4.7.1 while over the usual rate), alert (nothing else).' },
  { path: 'anomaly.windowMinutes', env: 'RELAIS_ANOMALY_WINDOW_MINUTES', type: z.coerce.number().int().min(1).max(1440), default: 10,
    description: 'Sliding window, in minutes, whose message count and distinct destination domains are compared with the sender\'s usual hourly figures.' },
  { path: 'anomaly.factor', env: 'RELAIS_ANOMALY_FACTOR', type: z.coerce.number().min(0), default: 4,
    description: 'A spike is more messages in the window than the usual hourly volume plus this many times its usual deviation (and more than the usual peak hour).' },
  { path: 'anomaly.minMessages', env: 'RELAIS_ANOMALY_MIN_MESSAGES', type: positiveInt, default: 50,
    description: 'Floor: fewer messages than this in the window are never a spike, whatever the sender\'s history.' },
  { path: 'anomaly.baselineHours', env: 'RELAIS_ANOMALY_BASELINE_HOURS', type: positiveInt, default: 168,
    description: 'Memory of the learned baseline, in hours: each past hour weighs 2/(baselineHours+1) in the moving averages (168: about a week).' },
  { path: 'anomaly.bounceRate', env: 'RELAIS_ANOMALY_BOUNCE_RATE', type: z.coerce.number().min(0).max(1), default: 0.3,
    description: 'Share of bounced recipients, among those delivered or bounced over the current and previous hour, that makes a sender a spike (for a login: over the envelope senders it used). 0: never.' },
  { path: 'anomaly.minBounceSample', env: 'RELAIS_ANOMALY_MIN_BOUNCE_SAMPLE', type: positiveInt, default: 20,
    description: 'Delivered plus bounced recipients needed before a bounce rate is judged.' },
  { path: 'anomaly.distinctDomainsFactor', env: 'RELAIS_ANOMALY_DISTINCT_DOMAINS_FACTOR', type: z.coerce.number().min(0), default: 4,
    description: 'A spike is more distinct destination domains in the window than the usual hourly number plus this many times its usual deviation (and more than the usual peak).' },
  { path: 'anomaly.minDistinctDomains', env: 'RELAIS_ANOMALY_MIN_DISTINCT_DOMAINS', type: positiveInt, default: 20,
    description: 'Floor: fewer distinct destination domains than this in the window are never a spike.' },
  { path: 'anomaly.flushIntervalMs', env: 'RELAIS_ANOMALY_FLUSH_INTERVAL_MS', type: positiveInt, default: 15000,
    description: 'How often counts are written to the database, baselines learned, bounce rates checked, and holds, quotas and other nodes\' counts reloaded.' },
];
