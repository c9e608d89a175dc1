// What every resolver gets: who is asking (the viewer, resolved once per
// request from the session cookie or the API token) and the relay services.
// Authorisation is decided from the viewer only (builder.ts scopes, plus
// object-level checks in resolvers), never from request input.
import type { AdminAccounts, ApiTokens, SessionStore } from '../relay-core/accounts/index.ts';
import type { AlertService } from '../relay-core/alerts/index.ts';
import type { AnomalyService } from '../relay-core/anomaly/index.ts';
import type { UserService } from '../relay-core/auth/index.ts';
import type { Db } from '../relay-core/db/index.ts';
import type { EventBus } from '../relay-core/events/index.ts';
import type { FederationService } from '../relay-core/federation/index.ts';
import type { BlacklistService, SuppressionService } from '../relay-core/policy/index.ts';
import type { QueueAdmin } from '../relay-core/queue/index.ts';
import type { StatsReport } from '../relay-core/stats/index.ts';
import type { AuthThrottle, CertificateInfo } from '../relay-core/submission/index.ts';

export type Viewer =
  | { kind: 'anonymous' }
  /** An admin account's session, or an admin-scope token (`login` is then `token:<name>`). */
  | { kind: 'admin'; login: string }
  /** A read-scope token: every query and subscription, no mutation. */
  | { kind: 'reader'; login: string }
  /** A mail (SMTP) user: only their own stats and queue. */
  | { kind: 'user'; login: string }
  /** A federation peer, by a request signed with its key: the feed only. */
  | { kind: 'peer'; peer: string };

/** How the running relay is, as the console's health panel shows it. */
export interface RelayHealth {
  isDatabaseReachable: boolean;
  isSmtpListening: boolean;
  isHttpsEnabled: boolean;
  /** The certificate STARTTLS (and HTTPS, when enabled) presents. */
  certificate: CertificateInfo;
}

export interface ApiServices {
  db: Db;
  queueAdmin: QueueAdmin;
  users: UserService;
  blacklist: BlacklistService;
  suppressions: SuppressionService;
  anomaly: AnomalyService;
  stats: StatsReport;
  alerts: AlertService;
  events: EventBus;
  admins: AdminAccounts;
  sessions: SessionStore;
  tokens: ApiTokens;
  loginThrottle: AuthThrottle;
  federation: FederationService;
  /** Checks the database and the listeners now. */
  health: () => Promise<RelayHealth>;
}

export interface ApiContext {
  viewer: Viewer;
  services: ApiServices;
  /** The client's IP address (login throttling). */
  clientAddress: string;
  /** The session id from the cookie, when there is one (logout). */
  sessionId: string | null;
  /** Adds a Set-Cookie header to the HTTP response (login, logout). */
  setCookie(cookie: string): void;
}

/** The login a non-admin viewer may act for, or null for admins and readers (everything). */
export function ownLogin(viewer: Viewer): string | null {
  return viewer.kind === 'user' ? viewer.login : null;
}
