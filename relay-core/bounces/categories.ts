// Bounce classification: every reply (remote, or a local stand-in) maps to
// exactly one category of a closed set and to one action. The rules are data
// (rules.ts, rules-generic.ts), tried in order; the first match wins, and the
// class fallbacks below catch everything else, so the classifier is total.
// It does not retry, suppress or throttle anything itself: callers act on the
// Classification. Rule regexes run on remote text, so they must stay
// linear-time (no nested quantifiers), and the text is capped before matching.
import type { Reply } from './reply.ts';
import { RECEIVER_RULES } from './rules.ts';
import { GENERIC_RULES } from './rules-generic.ts';

/** What a reply says happened, as one closed set. */
export type BounceCategory =
  /** 2xx: the receiver took the message. */
  | 'delivered'
  /** The mailbox does not exist (x.1.1, "user unknown", "no such user"). */
  | 'invalid-recipient'
  /** The domain does not exist or accepts no mail (x.1.2, NXDOMAIN, null MX). */
  | 'invalid-domain'
  /** The mailbox exists but is over quota (x.2.2). */
  | 'mailbox-full'
  /** The mailbox exists but is disabled, suspended or archived (x.2.1). */
  | 'mailbox-disabled'
  /** Our IP or relay is listed or has a poor reputation; never the address's fault. */
  | 'policy-block'
  /** The message itself was judged spam, malware or otherwise unacceptable. */
  | 'content-rejected'
  /** SPF, DKIM or DMARC failed for the sender domain (x.7.23–x.7.27). */
  | 'auth-failure'
  /** The receiver asks us to send slower (volume, connections, "try again later" on x.7.x). */
  | 'rate-limited'
  /** Greylisting: a first-contact temporary refusal that clears on retry. */
  | 'greylisted'
  /** The message is larger than the receiver accepts (x.3.4). */
  | 'message-too-big'
  /** No usable connection: refused, timed out, reset (local stand-ins, x.4.1–x.4.4). */
  | 'network'
  /** An SMTP dialogue error: syntax, bad sequence of commands (x.5.x). */
  | 'protocol'
  /** Anything no rule recognises. */
  | 'other';

/**
 * - `deliver`: the message was accepted.
 * - `defer`: keep the recipient queued and try again later.
 * - `bounce`: give up on this recipient and send a DSN.
 * - `throttle`: defer, and slow down deliveries to this destination.
 */
export type BounceAction = 'deliver' | 'defer' | 'bounce' | 'throttle';

/** Who sends the replies a rule was written for. */
export type Receiver =
  | 'gmail' | 'microsoft' | 'yahoo' | 'orange' | 'free' | 'sfr' | 'laposte'
  | 'gmx' | 'icloud' | 'proton' | 'zoho' | 'postfix' | 'exim' | 'generic';

/** One classification rule; every condition given must hold. */
export interface BounceRule {
  /** Stable kebab-case id, recorded with each classification. */
  id: string;
  category: BounceCategory;
  source: Receiver;
  /** Inclusive reply code range; defaults to failures only, [400, 599]. */
  codes?: readonly [number, number];
  /** Enhanced statuses: exact (`5.7.606`), prefix ending in `.` (`5.5.`), `*.` for any class (`*.1.1`). */
  enhanced?: readonly string[];
  /** Case-insensitive regexes on the reply text; all must match. */
  text?: readonly RegExp[];
  /** A real reply as the receiver sends it (multi-line with CRLF), or the documented generic form. */
  sample: string;
}

/** The verdict for one reply. */
export interface Classification {
  category: BounceCategory;
  action: BounceAction;
  /** The matching rule, or `fallback-4xx`, `fallback-5xx`, `fallback-unexpected`. */
  ruleId: string;
}

/** Receiver rules first, then generic enhanced-status rules, then generic text rules. */
export const BOUNCE_RULES: readonly BounceRule[] = [...RECEIVER_RULES, ...GENERIC_RULES];

// RFC 5321 §4.5.3.1.5 caps a reply line at 512 octets; 8 KiB holds any honest
// multi-line reply and bounds the work a hostile server can make us do.
const MAX_TEXT_CHARS = 8192;
const FAILURE_CODES: readonly [number, number] = [400, 599];

/** Classifies a reply; never throws, whatever the reply holds. */
export function classifyReply(reply: Reply): Classification {
  const code = Number.isInteger(reply.code) ? reply.code : 0;
  const text = typeof reply.text === 'string' ? reply.text.slice(0, MAX_TEXT_CHARS) : '';
  // RFC 3463 §2: an enhanced status whose class disagrees with the code is ignored.
  const enhanced = typeof reply.enhanced === 'string' && reply.enhanced[0] === String(code)[0] ? reply.enhanced : null;
  for (const rule of BOUNCE_RULES) {
    if (matches(rule, code, enhanced, text)) {
      return { category: rule.category, action: actionFor(rule.category, code), ruleId: rule.id };
    }
  }
  if (code >= 400 && code < 500) return { category: 'other', action: 'defer', ruleId: 'fallback-4xx' };
  if (code >= 500 && code < 600) return { category: 'other', action: 'bounce', ruleId: 'fallback-5xx' };
  // 1xx/3xx are not final answers and 0 or 999 are nonsense: retrying is the safe side.
  return { category: 'other', action: 'defer', ruleId: 'fallback-unexpected' };
}

function matches(rule: BounceRule, code: number, enhanced: string | null, text: string): boolean {
  const [low, high] = rule.codes ?? FAILURE_CODES;
  if (code < low || code > high) return false;
  if (rule.enhanced && !(enhanced !== null && rule.enhanced.some((p) => enhancedMatches(p, enhanced)))) return false;
  return rule.text ? rule.text.every((re) => re.test(text)) : true;
}

function enhancedMatches(pattern: string, enhanced: string): boolean {
  const [p, e] = pattern.startsWith('*.') ? [pattern.slice(2), enhanced.slice(2)] : [pattern, enhanced];
  return p.endsWith('.') ? e.startsWith(p) : e === p;
}

/** The action follows from the category and the code class, so no rule can contradict the policy. */
function actionFor(category: BounceCategory, code: number): BounceAction {
  switch (category) {
    case 'delivered': return 'deliver';
    // The relay's reputation is at fault, not the address: even a 5xx is retried, never bounced.
    case 'policy-block': return 'defer';
    case 'rate-limited': return 'throttle';
    case 'greylisted': return 'defer';
    case 'network': return 'defer';
    default: return code >= 500 && code < 600 ? 'bounce' : 'defer';
  }
}

/** Categories that say something about the recipient address itself (not about us, the message or the network). */
const HARD_CATEGORIES: ReadonlySet<BounceCategory> = new Set(['invalid-recipient', 'invalid-domain', 'mailbox-disabled']);
const SOFT_CATEGORIES: ReadonlySet<BounceCategory> = new Set([...HARD_CATEGORIES, 'mailbox-full']);

/**
 * What a final failure says about the address, for suppression (and later
 * federation): `hard` when the receiver said for good that the mailbox or
 * domain does not exist or is disabled; `soft` when it is full, or a
 * recipient-side failure never became permanent (expired); null for
 * everything else — a policy block, a rate limit or a network error is never
 * the address's fault.
 */
export function addressEvidence(category: string, state: 'bounced' | 'expired' | string): 'hard' | 'soft' | null {
  const c = category as BounceCategory;
  if (state === 'bounced' && HARD_CATEGORIES.has(c)) return 'hard';
  if ((state === 'bounced' || state === 'expired') && SOFT_CATEGORIES.has(c)) return 'soft';
  return null;
}
