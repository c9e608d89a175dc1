// Generic bounce rules: common MTA software (Postfix, Exim), then reputation
// texts, then enhanced status codes (RFC 3463), then texts. Pure data, tried
// after the receiver rules in rules.ts.
import type { BounceRule } from './categories.ts';

const MTA: readonly BounceRule[] = [
  { id: 'postfix-user-unknown-in-table', category: 'invalid-recipient', source: 'postfix',
    text: [/User unknown in (virtual mailbox|local recipient|relay recipient|virtual alias) table/i],
    sample: '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table' },
  { id: 'postfix-rbl-blocked', category: 'policy-block', source: 'postfix', text: [/Client host \[[^\]]{1,64}\] blocked using/i],
    sample: '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10' },
  { id: 'postfix-postgrey', category: 'greylisted', source: 'postfix', codes: [400, 499], text: [/Greylisted/i],
    sample: '450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html' },
  { id: 'postfix-domain-not-found', category: 'invalid-domain', source: 'postfix', text: [/Recipient address rejected: Domain not found/i],
    sample: '450 4.1.2 <bob@nonexistent.example>: Recipient address rejected: Domain not found' },
  { id: 'postfix-size-limit', category: 'message-too-big', source: 'postfix', text: [/Message size exceeds fixed limit/i],
    sample: '552 5.3.4 Message size exceeds fixed limit' },
  { id: 'postfix-too-many-errors', category: 'protocol', source: 'postfix', text: [/Error: too many errors/i],
    sample: '421 4.7.0 mx.example.org Error: too many errors' },
  // The host we reached does not serve that domain (stale or wrong MX): no category fits better.
  { id: 'postfix-relay-access-denied', category: 'other', source: 'postfix', text: [/Relay access denied/i],
    sample: '554 5.7.1 <bob@example.org>: Relay access denied' },
  { id: 'exim-no-such-user-here', category: 'invalid-recipient', source: 'exim', text: [/No Such User Here/i],
    sample: '550 No Such User Here' },
  { id: 'exim-unrouteable-address', category: 'invalid-domain', source: 'exim', text: [/Unrouteable address/i],
    sample: '550 Unrouteable address' },
  { id: 'exim-dnslist', category: 'policy-block', source: 'exim', text: [/is in a black list at/i],
    sample: '550-Rejected because 192.0.2.10 is in a black list at zen.spamhaus.org\r\n550 https://www.spamhaus.org/query/ip/192.0.2.10' },
  { id: 'exim-size-limit', category: 'message-too-big', source: 'exim', text: [/Message size exceeds maximum permitted/i],
    sample: '552 Message size exceeds maximum permitted' },
];

// Evidence of a listing or bad reputation outranks the enhanced code: some hosts
// answer a listed IP with 5.1.1 or 5.7.1. A wrong defer costs a retry; a wrong
// bounce loses a valid address for good.
const REPUTATION: readonly BounceRule[] = [
  // URI/domain lists judge the links in the message, not the sending IP.
  { id: 'generic-uri-blocklist', category: 'content-rejected', source: 'generic', text: [/\b(DBL|SURBL|URIBL)\b/i],
    sample: '554 5.7.1 Message rejected: URL in message body listed in multi.surbl.org' },
  { id: 'generic-ip-blocklist', category: 'policy-block', source: 'generic',
    text: [/spamhaus|barracuda|spamcop|\bsorbs\b|\bcbl\b|abuseat|uceprotect|spamrats|\bpsbl\b|invaluement|mailspike|dnsbl|\brbl\b|blacklist|blocklist|black list|block list|blocked using|listed at|poor reputation|bad reputation|sender reputation|ip reputation/i],
    sample: '554 5.7.1 Service unavailable; client [192.0.2.10] blocked by b.barracudacentral.org' },
];

const ENHANCED: readonly BounceRule[] = [
  { id: 'generic-delivered', category: 'delivered', source: 'generic', codes: [200, 299],
    sample: '250 2.0.0 Ok: queued as 4Tq2Xz1bGfz9vB' },
  // RFC 7505: X.1.10 is a null MX on the domain; Exchange also uses it for unknown recipients.
  { id: 'generic-null-mx', category: 'invalid-domain', source: 'generic', enhanced: ['*.1.10'], text: [/null MX|accepts no mail/i],
    sample: '556 5.1.10 Domain example.org accepts no mail (null MX)' },
  { id: 'generic-bad-mailbox', category: 'invalid-recipient', source: 'generic', enhanced: ['*.1.1', '*.1.3', '*.1.6', '*.1.10'],
    sample: '550 5.1.1 <bob@example.org>: mailbox unknown' },
  { id: 'generic-bad-domain', category: 'invalid-domain', source: 'generic', enhanced: ['*.1.2'],
    sample: '550 5.1.2 Domain example.invalid does not exist' },
  { id: 'generic-mailbox-full', category: 'mailbox-full', source: 'generic', enhanced: ['*.2.2'],
    sample: '452 4.2.2 <bob@example.org>: quota' },
  { id: 'generic-mailbox-disabled', category: 'mailbox-disabled', source: 'generic', enhanced: ['*.2.1'],
    sample: '550 5.2.1 <bob@example.org>: mailbox not accepting messages' },
  { id: 'generic-message-too-big', category: 'message-too-big', source: 'generic', enhanced: ['*.3.4', '*.2.3'],
    sample: '552 5.3.4 Message too big for mx.example.org: 52428800 octets' },
  // RFC 7372 / RFC 8601 registry: X.7.20–X.7.27 are DKIM, SPF, DMARC and alignment failures.
  { id: 'generic-authentication', category: 'auth-failure', source: 'generic',
    enhanced: ['*.7.20', '*.7.21', '*.7.22', '*.7.23', '*.7.24', '*.7.25', '*.7.26', '*.7.27'],
    sample: "550-5.7.26 This message does not pass authentication checks (SPF and DKIM\r\n550-5.7.26 both do not pass). SPF check for [example.org] does not pass with\r\n550 5.7.26 ip: [192.0.2.10]. To best protect our users from spam, the message has been blocked." },
  // Local stand-ins (smtp-session.ts, mx-resolver.ts) and remote network trouble.
  { id: 'generic-network', category: 'network', source: 'generic', enhanced: ['4.4.1', '4.4.2', '4.4.3', '4.4.4'],
    sample: '451 4.4.1 Connection to mx.example.org[192.0.2.25]:25 refused' },
  { id: 'generic-protocol', category: 'protocol', source: 'generic', enhanced: ['*.5.'],
    sample: '503 5.5.1 Error: need RCPT command' },
];

const TEXT: readonly BounceRule[] = [
  { id: 'generic-text-greylisted', category: 'greylisted', source: 'generic',
    text: [/gr[ae]y-?list|postgrey|try again in \d{1,6} seconds|retry in \d{1,6} seconds/i],
    sample: '451 4.7.1 Please try again in 300 seconds' },
  { id: 'generic-text-invalid-domain', category: 'invalid-domain', source: 'generic',
    text: [/domain not found|no such domain|domain does not exist|host not found|nxdomain|unroutable|null MX|host or domain name not found/i],
    sample: '550 Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found' },
  { id: 'generic-text-user-unknown', category: 'invalid-recipient', source: 'generic',
    text: [/user unknown|unknown user|no such user|no such recipient|unknown recipient|invalid recipient|recipient not found|user not found|user does not exist|user doesn't exist|address does not exist|mailbox not found|mailbox does not exist|account does not exist|no mailbox here|unknown local part|utilisateur inconnu|destinataire invalide|not a valid mailbox|mailbox unavailable/i],
    sample: '550 <bob@example.org>: Recipient address rejected: Unknown local part' },
  { id: 'generic-text-mailbox-full', category: 'mailbox-full', source: 'generic',
    text: [/mailbox full|mailbox is full|over ?quota|quota exceeded|exceeded storage allocation|mailbox size limit exceeded|out of storage space/i],
    sample: '552 Requested mail action aborted: exceeded storage allocation' },
  { id: 'generic-text-mailbox-disabled', category: 'mailbox-disabled', source: 'generic',
    text: [/(account|mailbox|user) (is |has been )?(disabled|deactivated|suspended|inactive|locked)/i],
    sample: '550 Requested action not taken: account has been disabled' },
  { id: 'generic-text-authentication', category: 'auth-failure', source: 'generic',
    text: [/\bspf\b|\bdkim\b|\bdmarc\b|unauthenticated|authentication checks|not permitted by the domain owner/i],
    sample: '550 <bob@example.org>: Reject due to SPF policy. The originating IP of the message is not permitted by the domain owner' },
  { id: 'generic-text-content', category: 'content-rejected', source: 'generic',
    text: [/spam detected|detected as spam|looks like spam|content rejected|rejected due to content|virus|malware|infected|likely unsolicited|message is spam|suspected spam|spam score|\bphish/i],
    sample: '554 5.6.0 Message content rejected, UBE, id=12345-01' },
  { id: 'generic-text-too-big', category: 'message-too-big', source: 'generic',
    text: [/message size exceeds|message too (big|large)|message is too large|size limit|exceeds (the )?maximum (allowed )?(message )?size|taille limite/i],
    sample: '552 Message too large, maximum size is 10485760 bytes' },
  { id: 'generic-text-rate-limited', category: 'rate-limited', source: 'generic',
    text: [/too many (messages|connections|recipients|mails|emails|concurrent)|rate limit|ratelimit|rate-limit|excessive volume|unexpected volume|slow down|throttl|too fast|server busy|maximum number of connections/i],
    sample: '421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later' },
  // "Try again later" alone is a rate signal only on a policy status; elsewhere it is any transient fault.
  { id: 'generic-text-try-later', category: 'rate-limited', source: 'generic', enhanced: ['4.7.'],
    text: [/try again later|try later|retry later/i],
    sample: '421 4.7.0 mx.example.org Temporarily rejected. Try again later.' },
  { id: 'generic-text-network', category: 'network', source: 'generic',
    text: [/connection refused|connection timed out|timed out|connection reset|econnrefused|etimedout|ehostunreach|enetunreach|no route to host|network is unreachable|could not connect/i],
    sample: '451 Connection to mx.example.org timed out' },
  { id: 'generic-text-protocol', category: 'protocol', source: 'generic',
    text: [/syntax error|bad sequence of commands|command not recognized|command unrecognized|unrecognized command|line too long|command not implemented|fully-qualified hostname/i],
    sample: '500 Command unrecognized' },
];

/** Generic rules, in the order they are tried. */
export const GENERIC_RULES: readonly BounceRule[] = [...MTA, ...REPUTATION, ...ENHANCED, ...TEXT];
