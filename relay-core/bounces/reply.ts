// SMTP replies as values: code, enhanced status (RFC 3463, parsed from the
// text), text. The verdict is one of two failure verbs, like Haraka: defer
// (try again later) or bounce (permanent), or delivered.

/** A remote server's answer, or a local stand-in for one (DNS, network). */
export interface Reply {
  /** Three-digit SMTP code; local failures use 4xx/5xx codes of their own (see localReply). */
  code: number;
  /** Enhanced status code `class.subject.detail`, or null when the reply has none. */
  enhanced: string | null;
  text: string;
}

/**
 * - `delivered`: 2xx after DATA.
 * - `defer`: 4xx, network or DNS trouble; try again later.
 * - `bounce`: 5xx; permanent, the sender gets a DSN.
 */
export type Verdict = 'delivered' | 'defer' | 'bounce';

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

/** Builds a Reply from a code and the reply text (with or without the code prefix, multi-line allowed). */
export function parseReply(code: number, rawText: string): Reply {
  const lines = rawText.replace(/\r/g, '').split('\n').filter((l) => l.length > 0);
  const stripped = lines.map((l) => l.replace(/^\d{3}[ -]?/, ''));
  const first = stripped[0]?.trim() ?? '';
  const match = ENHANCED.exec(first);
  // RFC 3463 §2: the class of the enhanced code must agree with the reply code.
  const enhanced = match && match[1] === String(code)[0] ? `${match[1]}.${Number(match[2])}.${Number(match[3])}` : null;
  const text = stripped.map((l) => l.trim().replace(ENHANCED, '').trim()).join(' ').trim();
  return { code, enhanced, text };
}

/** Reads `250 2.0.0 Ok` style text (as nodemailer reports it) into a Reply. */
export function parseReplyLine(response: string | undefined, fallbackCode: number): Reply {
  const text = response ?? '';
  const m = /^(\d{3})[ -]/.exec(text);
  return parseReply(m ? Number(m[1]) : fallbackCode, text);
}

/** A reply made up locally when no server answered (DNS, connection, timeout). */
export function localReply(code: number, enhanced: string, text: string): Reply {
  return { code, enhanced, text };
}

export function verdictOf(reply: Reply): Verdict {
  if (reply.code >= 200 && reply.code < 300) return 'delivered';
  if (reply.code >= 500 && reply.code < 600) return 'bounce';
  return 'defer';
}

/** `550 5.1.1 text`, as shown to admins and in DSNs. */
export function formatReply(reply: Reply): string {
  return [reply.code, reply.enhanced, reply.text].filter((p) => p !== null && p !== '').join(' ');
}
