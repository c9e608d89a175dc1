// policy — what the relay refuses before it accepts: for now the admin's
// blacklists of senders and recipients, checked at MAIL and RCPT. It does not
// answer SMTP itself (submission/ does, with the entry's reason). Emits no
// events; reads no config keys.
export { BlacklistError, BlacklistService } from './blacklist.ts';
export type { BlacklistEntry, BlacklistKind } from './blacklist.ts';
