// A linear pre-scan of a raw message's MIME structure, so that mailparser is
// only ever handed input it parses quickly and within its limits:
// - Nesting deeper than the limit is refused: mailparser walks its part tree
//   recursively and climbs it for every new part.
// - Every header block is reduced to the fields that shape the structure
//   (Content-Type, -Transfer-Encoding, -Disposition; the first of each, as
//   mailsplit reads them). mailparser parses a header block in one synchronous
//   call, and address headers are slow there (60 KB of To: groups hold the
//   event loop for 160 ms); a report is read from part bodies, never from
//   headers mailparser parses, so nothing of use is lost.
// - When mailparser hits one of its limits (too many parts, a header block too
//   large) it stops with an error, and the part it was reading is lost even if
//   complete, because its splitter reads ahead. So the scan finds where the
//   first part beyond the limits starts, and the input is cut there instead.
// Like mailparser with `ignoreEmbedded`, a message/rfc822 part is a leaf: its
// own parts are never walked. Delimiters match as in mailsplit: `--boundary`
// or `--boundary--`, trailing spaces allowed, a delimiter of any open ancestor
// closing everything below it.

export interface MimeLimits {
  maxDepth: number;
  maxParts: number;
  /** Per header block, counted as mailsplit does: each line's bytes, at least 64. */
  maxHeadBytes: number;
}

export type MimeScan =
  /** `mime`: the input with header blocks reduced, cut before the first part past the limits (`isCutAtPart`). */
  | { verdict: 'ok'; mime: Buffer; isCutAtPart: boolean }
  /** Multiparts nest deeper than maxDepth before any cut. */
  | { verdict: 'too-deep' }
  /** The message's own header block is larger than maxHeadBytes. */
  | { verdict: 'header-too-large' };

const HEADER_LINE_MIN_COST = 64;
const MIME_FIELDS: ReadonlySet<string> = new Set(['content-type', 'content-transfer-encoding', 'content-disposition']);
// A real Content-Type is well under 1 KiB; a longer structural field is dropped whole, so both sides read it as absent.
const MAX_MIME_FIELD_CHARS = 4096;

interface Field {
  start: number;
  name: string;
  text: string;
  chars: number;
}

export function scanMime(raw: Buffer, limits: MimeLimits): MimeScan {
  // Boundaries and header names are ASCII: latin1 keeps byte offsets and never fails to decode.
  const text = raw.toString('latin1');
  // Open boundaries, innermost last, and where each boundary string sits in
  // the stack, so a delimiter line is found in one lookup whatever the depth.
  const stack: string[] = [];
  const shadowed: (number | undefined)[] = [];
  const indexOf = new Map<string, number>();
  // Byte ranges left out of `mime`, as start, end, start, end…
  const drops: number[] = [];
  let parts = 0;
  let partStart = 0;
  let isInHeader = true;
  let headBytes = 0;
  let field: Field | null = null;
  let kept = new Set<string>();
  let contentType: string | null = null;

  const drop = (from: number, to: number): void => {
    if (drops.length > 0 && drops[drops.length - 1] === from) drops[drops.length - 1] = to;
    else drops.push(from, to);
  };
  const endField = (at: number): void => {
    if (!field) return;
    const isKept = MIME_FIELDS.has(field.name) && !kept.has(field.name) && field.chars <= MAX_MIME_FIELD_CHARS;
    if (isKept) kept.add(field.name);
    else drop(field.start, at);
    if (isKept && field.name === 'content-type') contentType = field.text;
    field = null;
  };
  const popTo = (length: number): void => {
    while (stack.length > length) {
      const boundary = stack.pop()!;
      const previous = shadowed.pop();
      if (previous === undefined) indexOf.delete(boundary);
      else indexOf.set(boundary, previous);
    }
  };
  const ok = (cutAt: number | null): MimeScan => ({ verdict: 'ok', mime: without(raw, drops, cutAt ?? raw.length), isCutAtPart: cutAt !== null });

  let start = 0;
  while (start < text.length) {
    const lineStart = start;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;

    if (stack.length > 0 && line.startsWith('--')) {
      const delimiter = trimSpaceEnd(line.slice(2, 2 + 1000));
      const next = indexOf.get(delimiter);
      const close = next === undefined && delimiter.endsWith('--') ? indexOf.get(delimiter.slice(0, -2)) : undefined;
      if (next !== undefined || close !== undefined) {
        // A part whose header block never ended has no body, and so no parts of its own.
        if (isInHeader) endField(lineStart);
        if (next !== undefined && ++parts > limits.maxParts) return ok(lineStart);
        popTo(next !== undefined ? next + 1 : close!);
        isInHeader = next !== undefined;
        partStart = lineStart;
        headBytes = 0;
        kept = new Set();
        contentType = null;
        continue;
      }
    }
    if (!isInHeader) continue;

    headBytes += Math.max(start - lineStart, HEADER_LINE_MIN_COST);
    if (headBytes > limits.maxHeadBytes) return parts === 0 ? { verdict: 'header-too-large' } : ok(partStart);
    if (line === '') {
      endField(lineStart);
      isInHeader = false;
      const boundary = contentType !== null && /^\s*multipart\//i.test(contentType) ? boundaryOf(contentType) : null;
      if (boundary) {
        shadowed.push(indexOf.get(boundary));
        indexOf.set(boundary, stack.length);
        stack.push(boundary);
        if (stack.length > limits.maxDepth) return { verdict: 'too-deep' };
      }
    } else if (line[0] === ' ' || line[0] === '\t') {
      if (!field) {
        drop(lineStart, start);
      } else {
        field.chars += line.length;
        if (field.text.length < 2000) field.text += ` ${line.trim()}`;
      }
    } else {
      endField(lineStart);
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, Math.min(colon, 100)).trimEnd().toLowerCase() : '';
      field = { start: lineStart, name, text: colon > 0 ? line.slice(colon + 1, 2000) : '', chars: line.length };
    }
  }
  if (isInHeader) endField(text.length);
  return ok(null);
}

/** `raw` up to `end`, without the byte ranges in `drops` (ordered, non-overlapping). */
function without(raw: Buffer, drops: number[], end: number): Buffer {
  const pieces: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < drops.length && drops[i]! < end; i += 2) {
    pieces.push(raw.subarray(from, drops[i]));
    from = Math.min(drops[i + 1]!, end);
  }
  pieces.push(raw.subarray(from, end));
  return Buffer.concat(pieces);
}

function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;"]+))/i.exec(contentType);
  const boundary = (m?.[1] ?? m?.[2] ?? '').trimEnd();
  return boundary === '' ? null : boundary;
}

/** Like `replace(/[ \t]+$/, '')`, without the regex's quadratic backtracking over a long run of spaces. */
function trimSpaceEnd(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(0, end);
}
