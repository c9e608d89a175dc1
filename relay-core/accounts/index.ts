// accounts — who may use the HTTPS API: admin accounts (scrypt passwords),
// login sessions (random id in a cookie, stored hashed) and API tokens
// (shown once, stored hashed, scope read or admin, revocable). Deciding what
// each may see or do is the API's job (schema/). Emits no events; reads no
// config keys (the session lifetime comes through server/).
export { AdminAccounts, checkAccountLogin } from './admins.ts';
export type { AdminSummary } from './admins.ts';
export { AccountError } from './errors.ts';
export { SessionStore } from './sessions.ts';
export type { SessionSubject } from './sessions.ts';
export { ApiTokens } from './tokens.ts';
export type { ApiToken, TokenScope } from './tokens.ts';
