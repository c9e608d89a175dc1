// The JSON both ends of federation agree on byte for byte: canonicalJson
// writes RFC 8785 (JCS), so a signature covers a value rather than one
// spelling of it; parseStrictJson reads RFC 8259 and refuses what JSON.parse
// quietly accepts and a signed format must not (a duplicate key lets two
// readers see two different events under one signature). It does not do
// schemas: callers check the value they get.
//
// The parser is iterative, one pass, no backtracking: its time is linear in
// the text and its stack does not grow with the nesting, so hostile input
// costs at most one scan.

/** Why parseStrictJson refused a text. */
export type StrictJsonReason =
  /** Not RFC 8259 JSON: a syntax error, trailing text, or a number outside the double range. */
  | 'not-json'
  /** Some object holds the same key twice (compared after unescaping). */
  | 'duplicate-key'
  /** Nested deeper than the caller's maxDepth. */
  | 'too-deep';

export class StrictJsonError extends Error {
  readonly reason: StrictJsonReason;
  /** Offset in UTF-16 code units where the text was refused. */
  readonly position: number;

  constructor(reason: StrictJsonReason, message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'StrictJsonError';
    this.reason = reason;
    this.position = position;
  }
}

// Unpaired surrogates: with the u flag a well-formed pair is one code point
// and never matches.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * RFC 8785 canonical JSON of a value made of null, booleans, finite numbers,
 * strings, arrays and plain objects: keys sorted by UTF-16 code units, no
 * white space, strings and numbers as ECMAScript JSON.stringify writes them.
 * Throws TypeError on anything else, including strings with lone surrogates
 * (RFC 8785 §3.2.2.2 makes them an error) and cycles.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
      // ECMAScript Number::toString is the serialisation RFC 8785 §3.2.2.3 specifies; -0 becomes 0.
      return JSON.stringify(value);
    case 'string':
      return writeString(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
  }
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError('canonicalJson: the value contains a cycle');
  ancestors.add(object);
  let out: string;
  if (Array.isArray(object)) {
    const parts: string[] = [];
    // An index loop, not map(): holes must be refused, not skipped.
    for (let i = 0; i < object.length; i++) parts.push(write(object[i], ancestors));
    out = `[${parts.join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(object) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalJson: a ${object.constructor?.name ?? 'non-plain'} object has no JSON form`);
    }
    const record = object as Record<string, unknown>;
    // Default sort compares UTF-16 code units, the order RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) parts.push(`${writeString(key)}:${write(record[key], ancestors)}`);
    out = `{${parts.join(',')}}`;
  }
  ancestors.delete(object);
  return out;
}

function writeString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError('canonicalJson: a string holds a lone surrogate');
  return JSON.stringify(value);
}

/**
 * Parses RFC 8259 JSON, refusing duplicate keys in any object and nesting
 * deeper than `maxDepth` (1: a flat object or array; 0: scalars only).
 * Objects come back as ordinary objects, like JSON.parse's: a `"__proto__"`
 * key is defined as an own data property, never assigned, so it cannot
 * change the object's prototype. Numbers that overflow a double are refused
 * (RFC 8259 §6 lets a parser limit the range) so the result always has a
 * canonical form. A byte-order mark is refused. Throws StrictJsonError.
 */
export function parseStrictJson(text: string, options: { maxDepth: number }): unknown {
  if (!Number.isInteger(options.maxDepth) || options.maxDepth < 0) {
    throw new TypeError('parseStrictJson: maxDepth must be a non-negative integer');
  }
  return new Parser(text, options.maxDepth).parse();
}

/** An open array or object while the parser is inside it. */
type Frame = { array: unknown[]; object?: undefined } | { array?: undefined; object: Record<string, unknown>; key: string };

// Code units the parser looks at.
const TAB = 0x09;
const LINE_FEED = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const UPPER_E = 0x45;
const LOWER_E = 0x65;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t',
};

class Parser {
  readonly #text: string;
  readonly #maxDepth: number;
  #pos = 0;

  constructor(text: string, maxDepth: number) {
    this.#text = text;
    this.#maxDepth = maxDepth;
  }

  parse(): unknown {
    const stack: Frame[] = [];
    let value: unknown;
    // Each turn reads one value (a scalar, or the opening of a container),
    // then closes every container that ends after it.
    for (;;) {
      const c = this.#skipSpace();
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (stack.length >= this.#maxDepth) this.#fail('too-deep', `nesting deeper than ${this.#maxDepth}`);
        this.#pos++;
        const first = this.#skipSpace();
        if (c === OPEN_BRACKET) {
          if (first !== CLOSE_BRACKET) {
            stack.push({ array: [] });
            continue;
          }
          this.#pos++;
          value = [];
        } else {
          const object: Record<string, unknown> = {};
          if (first !== CLOSE_BRACE) {
            stack.push({ object, key: this.#readKey(object) });
            continue;
          }
          this.#pos++;
          value = object;
        }
      } else {
        value = this.#readScalar(c);
      }
      // Attach the value to its container; close containers while they end here.
      for (;;) {
        // No read past the end of the stack or the text here: each parse would
        // end on one, and V8 deoptimises code that reads out of bounds.
        if (stack.length === 0) {
          this.#skipSpaceToEnd();
          return value;
        }
        const frame = stack[stack.length - 1]!;
        if (frame.array) frame.array.push(value);
        else defineKey(frame.object, frame.key, value);
        const next = this.#skipSpace();
        if (next === COMMA) {
          this.#pos++;
          if (frame.object) frame.key = this.#readKey(frame.object);
          break;
        }
        if (next === (frame.array ? CLOSE_BRACKET : CLOSE_BRACE)) {
          this.#pos++;
          stack.pop();
          value = frame.array ?? frame.object;
          continue;
        }
        this.#unexpected(frame.array ? "',' or ']'" : "',' or '}'");
      }
    }
  }

  /** Reads `"key" :` and checks the key is new in `object`. */
  #readKey(object: Record<string, unknown>): string {
    const c = this.#skipSpace();
    const start = this.#pos;
    if (c !== QUOTE) this.#unexpected('a string key');
    const key = this.#readString();
    // JSON values are never undefined, so a cheap load rules out most keys
    // before the own-property check (inherited names like "toString" are fine).
    if (object[key] !== undefined && Object.hasOwn(object, key)) this.#fail('duplicate-key', `duplicate key ${quoteForMessage(key)}`, start);
    if (this.#skipSpace() !== COLON) this.#unexpected("':'");
    this.#pos++;
    return key;
  }

  #readScalar(c: number): unknown {
    if (c === QUOTE) return this.#readString();
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.#readNumber();
    if (this.#text.startsWith('true', this.#pos)) return this.#advance(4, true);
    if (this.#text.startsWith('false', this.#pos)) return this.#advance(5, false);
    if (this.#text.startsWith('null', this.#pos)) return this.#advance(4, null);
    return this.#unexpected('a JSON value');
  }

  #advance<T>(length: number, value: T): T {
    this.#pos += length;
    return value;
  }

  // RFC 8259 §6: [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
  #readNumber(): number {
    const text = this.#text;
    const start = this.#pos;
    let pos = start;
    if (text.charCodeAt(pos) === MINUS) pos++;
    const first = text.charCodeAt(pos);
    if (first === ZERO) pos++;
    else if (first >= ONE && first <= NINE) pos = skipDigits(text, pos + 1);
    else this.#fail('not-json', 'a digit expected', pos);
    const next = text.charCodeAt(pos);
    // Short integers, the common case, are exact in a double: no slice to convert.
    if (next !== DOT && next !== LOWER_E && next !== UPPER_E && pos - start <= 15) {
      let value = 0;
      for (let i = text.charCodeAt(start) === MINUS ? start + 1 : start; i < pos; i++) value = value * 10 + (text.charCodeAt(i) - ZERO);
      this.#pos = pos;
      return text.charCodeAt(start) === MINUS ? -value : value;
    }
    if (text.charCodeAt(pos) === DOT) {
      const digits = skipDigits(text, pos + 1);
      if (digits === pos + 1) this.#fail('not-json', 'a digit expected after the decimal point', digits);
      pos = digits;
    }
    const e = text.charCodeAt(pos);
    if (e === LOWER_E || e === UPPER_E) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === PLUS || sign === MINUS) pos++;
      const digits = skipDigits(text, pos);
      if (digits === pos) this.#fail('not-json', 'a digit expected in the exponent', digits);
      pos = digits;
    }
    const value = Number(text.slice(start, pos));
    if (!Number.isFinite(value)) this.#fail('not-json', 'number out of range', start);
    this.#pos = pos;
    return value;
  }

  /** Reads a string starting at its opening quote. */
  #readString(): string {
    const text = this.#text;
    const length = text.length;
    let pos = this.#pos + 1;
    let chunk = pos;
    let out = '';
    for (;;) {
      if (pos >= length) this.#fail('not-json', 'unterminated string', this.#pos);
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        out += text.slice(chunk, pos);
        this.#pos = pos + 1;
        return out;
      }
      if (c < SPACE) this.#fail('not-json', 'unescaped control character in a string', pos);
      if (c !== BACKSLASH) {
        pos++;
        continue;
      }
      out += text.slice(chunk, pos);
      const escape = text.charCodeAt(pos + 1);
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        out += simple;
        pos += 2;
      } else if (escape === 0x75 /* u */) {
        const unit = parseHex4(text, pos + 2);
        if (unit < 0) this.#fail('not-json', 'bad \\u escape', pos);
        // Lone surrogates are valid JSON (RFC 8259 §8.2); they are kept as is.
        out += String.fromCharCode(unit);
        pos += 6;
      } else {
        this.#fail('not-json', 'bad escape', pos);
      }
      chunk = pos;
    }
  }

  /** Skips white space; returns the code unit after it, NaN at the end. */
  #skipSpace(): number {
    const text = this.#text;
    let pos = this.#pos;
    let c = text.charCodeAt(pos);
    while (c === SPACE || c === LINE_FEED || c === RETURN || c === TAB) c = text.charCodeAt(++pos);
    this.#pos = pos;
    return c;
  }

  #skipSpaceToEnd(): void {
    const text = this.#text;
    for (let pos = this.#pos; pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (c !== SPACE && c !== LINE_FEED && c !== RETURN && c !== TAB) this.#fail('not-json', 'unexpected text after the JSON value', pos);
    }
  }

  #unexpected(expected: string): never {
    if (this.#pos >= this.#text.length) this.#fail('not-json', `unexpected end of text, ${expected} expected`);
    return this.#fail('not-json', `${expected} expected`);
  }

  #fail(reason: StrictJsonReason, message: string, position = this.#pos): never {
    throw new StrictJsonError(reason, message, position);
  }
}

function skipDigits(text: string, pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c >= ZERO && c <= NINE) pos++;
    else return pos;
  }
}

/** The value of 4 hex digits at `pos`, or -1. */
function parseHex4(text: string, pos: number): number {
  let unit = 0;
  for (let i = pos; i < pos + 4; i++) {
    const c = text.charCodeAt(i);
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

function defineKey(object: Record<string, unknown>, key: string, value: unknown): void {
  // Assigning "__proto__" would call Object.prototype's setter and swap the
  // prototype; defining it makes an ordinary own property, as JSON.parse does.
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/** A key as it may appear in an error message: quoted, escaped, bounded. */
function quoteForMessage(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}
