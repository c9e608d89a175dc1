// auth — local credentials for SMTP submission: users with scrypt-hashed
// passwords, an enabled flag and the sender addresses or domains each may use;
// password checks that cost the same whether or not the login exists. It does
// not talk SMTP, count failed attempts nor throttle clients (submission/ does),
// and has no LDAP provider yet.
// Emits no events. Reads no config keys.
export { UserService, UserError } from './user-service.ts';
export type { AuthenticatedUser, UserErrorCode, UserSummary } from './user-service.ts';
export { isSenderAllowed, normalizeSenderPattern } from './senders.ts';
export { hashPassword, verifyPassword } from './password.ts';
