// The HTTPS client that pulls a peer's feed: one POST, one answer. The URL is
// typed in by an admin and the peer may be broken or hostile, so:
// - the host is resolved once and every address vetted; the TCP connection
//   goes to a vetted address itself, never to the name again, so a second DNS
//   answer cannot swap in a private address (DNS rebinding);
// - the certificate is checked (pinned fingerprint, or system CAs and the
//   host name) before the first request byte is written;
// - redirects are refused, never followed: the Location may point anywhere;
// - the body is counted as it arrives and the exchange dropped past maxBytes,
//   and one deadline covers DNS to last byte, so a peer that drips bytes
//   costs at most timeoutMs and maxBytes.
// It does not retry, back off or read the feed (sync.ts does).
import { X509Certificate } from 'node:crypto';
import { lookup } from 'node:dns';
import { validateHeaderName, validateHeaderValue, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from 'node:tls';
import { AddressPolicy } from '../delivery/index.ts';

export interface PeerRequest {
  /** `https://host[:port]/path` from the peer's configuration. */
  url: string;
  headers: Record<string, string>;
  /** Sent with POST as application/json. */
  body: string;
  /** SHA-256 of the peer's certificate (pinning); null: the system CAs verify it. */
  tlsFingerprint: string | null;
  /** Allow loopback and private addresses (test set-ups, peers inside one private network). */
  allowPrivate: boolean;
  /** Largest response body accepted. */
  maxBytes: number;
  /** The whole exchange: DNS, connect, TLS, request and the full response. */
  timeoutMs: number;
}

export interface PeerResponse {
  /** Always 200: any other answer is a PeerFetchError. */
  status: number;
  body: string;
}

/**
 * Why a peer could not be fetched:
 * - `bad-url`: not an https: URL, credentials in it, or a header, maxBytes or timeoutMs that cannot be used
 * - `private-address`: the host resolves to a loopback or private address and those are not allowed
 * - `unreachable`: DNS failure, connection refused or reset, connection lost before the response was complete
 * - `tls`: the TLS handshake failed, or the certificate did not verify against the system CAs and the host name
 * - `fingerprint`: the certificate is not the pinned one (or the pin is malformed)
 * - `timeout`: the exchange did not complete within timeoutMs
 * - `too-large`: the response body is larger than maxBytes
 * - `redirect`: the peer answered 3xx; the target was not contacted
 * - `http-status`: any other answer than 200, an encoded body, or a malformed HTTP response
 */
export type PeerFetchFailure =
  | 'bad-url'
  | 'private-address'
  | 'unreachable'
  | 'tls'
  | 'fingerprint'
  | 'timeout'
  | 'too-large'
  | 'redirect'
  | 'http-status';

/** The only error fetchPeer rejects with; the message is safe to show an admin. */
export class PeerFetchError extends Error {
  override readonly name = 'PeerFetchError';
  readonly reason: PeerFetchFailure;
  /** The peer's HTTP status for `redirect` and `http-status`; null otherwise. */
  readonly status: number | null;

  constructor(reason: PeerFetchFailure, message: string, options: { status?: number | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.status = options.status ?? null;
  }
}

const FINGERPRINT_HEX = /^[0-9a-f]{64}$/i;
const FINGERPRINT_COLON = /^[0-9a-f]{2}(?::[0-9a-f]{2}){31}$/i;

/**
 * A SHA-256 certificate fingerprint in the form Node's fingerprint256 and
 * `openssl x509 -fingerprint -sha256` print (`AB:CD:…`, upper case), from
 * that form or plain hex in any case; null when it is not 32 bytes of hex.
 */
export function normalizeFingerprint(input: string): string | null {
  const text = input.trim();
  if (FINGERPRINT_COLON.test(text)) return text.toUpperCase();
  if (!FINGERPRINT_HEX.test(text)) return null;
  return text.toUpperCase().match(/../g)!.join(':');
}

/** The SHA-256 fingerprint of the first certificate of a PEM chain; throws when there is none. */
export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

const policy = new AddressPolicy();
/** How much of an error answer's body is kept for the message. */
const ERROR_BODY_BYTES = 1024;
/** Node's default, stated so the response header block stays bounded whatever the process flags. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Framing and encoding are this client's choice: the caller's versions are dropped so they cannot contradict the body or ask for compression. */
const OWN_HEADERS = new Set(['host', 'content-type', 'content-length', 'transfer-encoding', 'connection', 'accept-encoding', 'te']);
/** Errors after which the TCP connection is gone, as opposed to the TLS layer refusing the peer. */
const NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/**
 * POSTs `request.body` to the peer and resolves with its 200 answer, decoded
 * as UTF-8. Rejects only with PeerFetchError, and leaves no socket or timer
 * behind either way.
 */
export function fetchPeer(request: PeerRequest): Promise<PeerResponse> {
  return new Promise((resolve, reject) => {
    new Exchange(request, resolve, reject).start();
  });
}

interface Target {
  /** Without brackets for an IPv6 literal. */
  hostname: string;
  isLiteral: boolean;
  port: number;
  /** Path and query; the fragment is never sent. */
  path: string;
  /** `host[:port]` as the Host header wants it. */
  host: string;
}

function parseTarget(raw: string): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    // The text itself stays out of the message: a mistyped URL may hold a password.
    throw new PeerFetchError('bad-url', 'the peer URL is not a URL', { cause: err });
  }
  if (url.protocol !== 'https:') throw new PeerFetchError('bad-url', `${url.protocol} URLs are not fetched, only https:`);
  if (url.username || url.password) throw new PeerFetchError('bad-url', 'the URL holds a user name or password');
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!hostname) throw new PeerFetchError('bad-url', 'the URL has no host');
  return { hostname, isLiteral: isIP(hostname) !== 0, port: url.port ? Number(url.port) : 443, path: url.pathname + url.search, host: url.host };
}

function buildHeaders(request: PeerRequest, target: Target): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (OWN_HEADERS.has(name.toLowerCase())) continue;
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (err) {
      throw new PeerFetchError('bad-url', `header ${printable(name, 60)} cannot be sent`, { cause: err });
    }
    headers[name] = value;
  }
  // No Accept-Encoding: identity only, so maxBytes bounds what is held in memory, not a compressed size.
  return { ...headers, host: target.host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body), connection: 'close' };
}

/** Peer-supplied text fit for a log line: control characters replaced, length capped. */
function printable(text: string, maxChars: number): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean;
}

function errorCode(err: unknown): string {
  return String((err as NodeJS.ErrnoException | undefined)?.code ?? 'error');
}

/** One fetch from resolution to settlement. It settles once; whatever fires afterwards is ignored. */
class Exchange {
  readonly #request: PeerRequest;
  readonly #resolve: (response: PeerResponse) => void;
  readonly #reject: (err: PeerFetchError) => void;
  readonly #sockets = new Set<TLSSocket>();
  #pin: string | null = null;
  #timer: NodeJS.Timeout | null = null;
  #outgoing: ClientRequest | null = null;
  #response: IncomingMessage | null = null;
  #isSettled = false;

  constructor(request: PeerRequest, resolve: (response: PeerResponse) => void, reject: (err: PeerFetchError) => void) {
    this.#request = request;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(): void {
    this.#guard(() => {
      const { maxBytes, timeoutMs, tlsFingerprint } = this.#request;
      // A NaN limit would compare false forever and let the body grow without bound.
      if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new PeerFetchError('bad-url', `maxBytes ${maxBytes} is not a byte count`);
      // setTimeout turns anything above 2^31 - 1 ms into 1 ms.
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2 ** 31 - 1) throw new PeerFetchError('bad-url', `timeoutMs ${timeoutMs} is not a duration`);
      const target = parseTarget(this.#request.url);
      if (tlsFingerprint !== null) {
        this.#pin = normalizeFingerprint(tlsFingerprint);
        if (!this.#pin) throw new PeerFetchError('fingerprint', 'the pinned fingerprint is not a SHA-256 fingerprint');
      }
      buildHeaders(this.#request, target); // refuse bad headers before any network traffic
      this.#timer = setTimeout(() => this.#fail('timeout', `no complete answer within ${timeoutMs} ms`), timeoutMs);
      this.#resolveHost(target);
    });
  }

  #resolveHost(target: Target): void {
    if (target.isLiteral) return this.#vet(target, [target.hostname]);
    // The lookup cannot be cancelled: past the deadline its answer is simply ignored.
    lookup(target.hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (this.#isSettled) return;
      if (err) return this.#fail('unreachable', `cannot resolve ${target.hostname}: ${errorCode(err)}`, { cause: err });
      this.#guard(() => this.#vet(target, addresses.map((entry) => entry.address)));
    });
  }

  #vet(target: Target, addresses: string[]): void {
    if (addresses.length === 0) return this.#fail('unreachable', `${target.hostname} has no address`);
    // Any private address refuses the whole host: a name mixing public and private addresses is a mistake or a probe.
    const refused = addresses.find((address) => policy.isPrivate(address));
    if (refused !== undefined && !this.#request.allowPrivate) {
      return this.#fail('private-address', `${target.hostname} resolves to ${refused}, a loopback or private address`);
    }
    this.#connect(target, addresses, 0);
  }

  /** TLS to each vetted address in turn until one accepts the TCP connection. */
  #connect(target: Target, addresses: string[], index: number): void {
    const address = addresses[index]!;
    const pin = this.#pin;
    // An IP literal as host: net skips DNS, so the connection goes exactly where #vet looked.
    const socket = tlsConnect({
      host: address,
      port: target.port,
      // RFC 6066 §3: no IP literal in SNI.
      servername: target.isLiteral ? undefined : target.hostname,
      // Pinned: the fingerprint is the trust, checked below, so self-signed peers work.
      rejectUnauthorized: pin === null,
      // The name from the URL, not the address connected to.
      checkServerIdentity: (_host, cert) => checkServerIdentity(target.hostname, cert),
    });
    this.#sockets.add(socket);
    let phase: 'tcp' | 'tls' | 'http' = 'tcp';
    socket.once('connect', () => {
      phase = 'tls';
    });
    socket.on('error', (err) => {
      if (this.#isSettled) return;
      const code = errorCode(err);
      if (phase === 'tcp') {
        socket.destroy();
        if (index + 1 < addresses.length) return this.#connect(target, addresses, index + 1);
        return this.#fail('unreachable', `cannot connect to ${target.hostname} port ${target.port}: ${code}`, { cause: err });
      }
      if (phase === 'http' || NETWORK_ERRORS.has(code)) return this.#fail('unreachable', `connection to ${address} lost: ${code}`, { cause: err });
      this.#fail('tls', `TLS with ${target.hostname} failed: ${code} ${err.message}`, { cause: err });
    });
    socket.once('secureConnect', () => {
      phase = 'http';
      if (this.#isSettled) return;
      if (pin !== null) {
        const actual = socket.getPeerCertificate().fingerprint256;
        // Destroyed before a single request byte is written: a wrong peer learns nothing of the request.
        if (actual !== pin) return this.#fail('fingerprint', `the certificate ${actual ?? '(none)'} is not the pinned ${pin}`);
      }
      this.#guard(() => this.#send(target, socket));
    });
  }

  #send(target: Target, secure: TLSSocket): void {
    // No agent: with one (even agent: false) Node ignores createConnection and dials the host name again.
    const outgoing = httpsRequest({
      method: 'POST',
      path: target.path,
      headers: buildHeaders(this.#request, target),
      createConnection: () => secure,
      maxHeaderSize: MAX_HEADER_BYTES,
    });
    this.#outgoing = outgoing;
    outgoing.on('error', (err) => {
      if (errorCode(err).startsWith('HPE_')) return this.#fail('http-status', `malformed HTTP answer: ${errorCode(err)}`, { cause: err });
      this.#fail('unreachable', `connection to ${target.hostname} lost: ${errorCode(err)}`, { cause: err });
    });
    outgoing.on('response', (response) => this.#guard(() => this.#receive(response)));
    outgoing.end(this.#request.body);
  }

  #receive(response: IncomingMessage): void {
    this.#response = response;
    response.on('error', (err) => this.#fail('unreachable', `answer cut off: ${errorCode(err)}`, { cause: err }));
    response.on('close', () => {
      if (!response.complete) this.#fail('unreachable', 'the connection closed before the answer was complete');
    });
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400) {
      const location = response.headers.location;
      return this.#fail('redirect', `answered ${status}${location ? ` to ${printable(location, 200)}` : ''}; redirects are not followed`, { status });
    }
    if (status !== 200) return this.#failWithBody(response, status);
    const encoding = response.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      return this.#fail('http-status', `answered with Content-Encoding ${printable(encoding, 40)}, identity was asked for`, { status });
    }
    const { maxBytes } = this.#request;
    const declared = response.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      return this.#fail('too-large', `announces ${printable(declared, 20)} bytes, more than the ${maxBytes} accepted`);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return this.#fail('too-large', `sent more than the ${maxBytes} bytes accepted`);
      chunks.push(chunk);
    });
    response.on('end', () => this.#succeed({ status, body: Buffer.concat(chunks, received).toString('utf8') }));
  }

  /** Keeps up to ERROR_BODY_BYTES of a non-200 answer for the message: peers often say what is wrong there. */
  #failWithBody(response: IncomingMessage, status: number): void {
    const chunks: Buffer[] = [];
    let kept = 0;
    const fail = (): void => {
      const text = Buffer.concat(chunks, kept).toString('utf8').trim();
      this.#fail('http-status', `answered ${status}${text ? `: ${printable(text, ERROR_BODY_BYTES)}` : ''}`, { status });
    };
    response.on('data', (chunk: Buffer) => {
      const part = chunk.subarray(0, ERROR_BODY_BYTES - kept);
      chunks.push(part);
      kept += part.length;
      if (kept >= ERROR_BODY_BYTES) fail();
    });
    response.on('end', fail);
  }

  /** Runs a step, turning anything it throws into a rejection: callbacks must not throw into the event loop. */
  #guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (err instanceof PeerFetchError) this.#settle(err);
      else this.#fail('unreachable', `request failed: ${(err as Error).message}`, { cause: err });
    }
  }

  #fail(reason: PeerFetchFailure, message: string, options: { status?: number; cause?: unknown } = {}): void {
    this.#settle(new PeerFetchError(reason, message, options));
  }

  #succeed(response: PeerResponse): void {
    this.#settle(response);
  }

  #settle(outcome: PeerResponse | PeerFetchError): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#response?.destroy();
    this.#outgoing?.destroy();
    for (const socket of this.#sockets) socket.destroy();
    if (outcome instanceof PeerFetchError) this.#reject(outcome);
    else this.#resolve(outcome);
  }
}
