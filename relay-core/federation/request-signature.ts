// How a reading peer signs its feed requests and how the serving relay
// checks them (docs/federation.md §4). The signature binds the method, the
// path with its query, the time and a digest of the body; a replay within
// the time window can only read the same page again. Whether the key belongs
// to a configured peer is the caller's question, not this module's.
import { createHash } from 'node:crypto';
import { isFederationId, verifySignature } from './identity.ts';

export const KEY_HEADER = 'relais-federation-key';
export const TIME_HEADER = 'relais-federation-time';
export const SIGNATURE_HEADER = 'relais-federation-signature';

const SIGNED_PREFIX = 'relais-federation-request-v1\n';
const DEFAULT_WINDOW_SECONDS = 120;
// A method is an HTTP token; a path has no white space or control
// characters. Either holding a line feed would blur the signed lines.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;
const PATH = /^\/[\x21-\x7e]{0,8191}$/;
// Decimal unix seconds, no sign, no leading zero, at most 2^53-1.
const TIME = /^(0|[1-9][0-9]{0,15})$/;
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;

export interface SignedRequest {
  method: string;
  /** The path with its query, as sent in the request line. */
  path: string;
  body: string | Buffer;
}

/** Why a request's signature was refused. */
export type RequestSignatureFailure =
  /** No key header: the request is not signed at all. */
  | 'missing'
  /** A header is absent or badly encoded, or the method or path cannot be signed. */
  | 'malformed'
  /** The time is further from ours than the window allows. */
  | 'stale'
  /** The signature does not hold for this key and request. */
  | 'bad-signature';

/** The headers that sign `request` as `identity`. */
export function signRequest(
  identity: { id: string; sign(message: Buffer): Buffer },
  request: SignedRequest & { now?: Date },
): Record<string, string> {
  if (!METHOD.test(request.method)) throw new TypeError(`signRequest: cannot sign method ${JSON.stringify(request.method.slice(0, 40))}`);
  if (!PATH.test(request.path)) throw new TypeError(`signRequest: cannot sign path ${JSON.stringify(request.path.slice(0, 80))}`);
  const time = String(Math.floor((request.now ?? new Date()).getTime() / 1000));
  return {
    [KEY_HEADER]: identity.id,
    [TIME_HEADER]: time,
    [SIGNATURE_HEADER]: identity.sign(signedBytes(request, time)).toString('base64url'),
  };
}

/**
 * Checks the signature headers of a request, read through `header` (names in
 * lower case). Never throws.
 */
export function verifyRequest(
  header: (name: string) => string | null | undefined,
  request: SignedRequest & { now?: Date; windowSeconds?: number },
): { ok: true; keyId: string } | { ok: false; reason: RequestSignatureFailure } {
  try {
    const keyId = header(KEY_HEADER);
    if (keyId === null || keyId === undefined || keyId === '') return { ok: false, reason: 'missing' };
    const time = header(TIME_HEADER);
    const signature = header(SIGNATURE_HEADER);
    // Each test bounds the length first, so a huge header costs nothing.
    if (!isFederationId(keyId) || typeof time !== 'string' || !TIME.test(time) || typeof signature !== 'string' || !SIGNATURE.test(signature)) {
      return { ok: false, reason: 'malformed' };
    }
    const signatureBytes = Buffer.from(signature, 'base64url');
    if (signatureBytes.toString('base64url') !== signature) return { ok: false, reason: 'malformed' };
    if (typeof request.method !== 'string' || !METHOD.test(request.method) || typeof request.path !== 'string' || !PATH.test(request.path)) {
      return { ok: false, reason: 'malformed' };
    }
    const nowSeconds = Math.floor((request.now ?? new Date()).getTime() / 1000);
    if (Math.abs(nowSeconds - Number(time)) > (request.windowSeconds ?? DEFAULT_WINDOW_SECONDS)) return { ok: false, reason: 'stale' };
    if (!verifySignature(keyId, signedBytes(request, time), signatureBytes)) return { ok: false, reason: 'bad-signature' };
    return { ok: true, keyId };
  } catch {
    // A header reader or body that throws is a request we cannot check.
    return { ok: false, reason: 'malformed' };
  }
}

function signedBytes(request: SignedRequest, time: string): Buffer {
  const bodyDigest = createHash('sha256').update(request.body).digest('hex');
  return Buffer.from(`${SIGNED_PREFIX}${request.method}\n${request.path}\n${time}\n${bodyDigest}`, 'utf8');
}
