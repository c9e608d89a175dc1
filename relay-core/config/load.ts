import { existsSync, readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { KEYS, type KeyDef } from './keys.ts';
import type { Cidr, HostPort, Route } from './parse.ts';

export interface Config {
  dataDir: string;
  databaseUrl: string;
  hostname: string;
  smtp: {
    host: string;
    port: number;
    trustedNetworks: Cidr[];
    maxMessageSizeBytes: number;
    maxRecipients: number;
    authFailureLimit: number;
    authFailureWindowMs: number;
    maxClients: number;
    socketTimeoutMs: number;
  };
  tls: { certFile: string; keyFile: string };
  http: { host: string; port: number; plain: boolean; maxBodyBytes: number; sessionHours: number; loginFailureLimit: number };
  dns: { servers: HostPort[]; timeoutMs: number };
  delivery: {
    mxPort: number;
    allowPrivateMx: boolean;
    routes: Route[];
    destinationConcurrency: number;
    maxSessions: number;
    messagesPerSession: number;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    throttlePauseMs: number;
  };
  queue: {
    retryFirstMs: number;
    retryMaxMs: number;
    maxAgeMs: number;
    delayWarningMs: number;
    leaseMs: number;
    pollIntervalMs: number;
    claimBatch: number;
  };
  returns: { address: string; allowedFrom: Cidr[]; tokenLifetimeDays: number; maxReportBytes: number };
  suppression: { hardBounces: number; softBounces: number; softWindowDays: number; complaints: number; expiryDays: number };
  federation: {
    publicUrl: string;
    networkKey: string;
    syncIntervalSeconds: number;
    minOrigins: number;
    allowPrivatePeers: boolean;
    hardWeight: number;
    softBounces: number;
    softWindowDays: number;
    complaintWeight: number;
    localWeight: number;
    transitiveFactor: number;
    maxHops: number;
    maxAgeDays: number;
    originDailyCap: number;
    fetchTimeoutMs: number;
    maxResponseBytes: number;
  };
  anomaly: {
    action: 'hold' | 'throttle' | 'alert';
    windowMinutes: number;
    factor: number;
    minMessages: number;
    baselineHours: number;
    bounceRate: number;
    minBounceSample: number;
    distinctDomainsFactor: number;
    minDistinctDomains: number;
    flushIntervalMs: number;
  };
}

/** A config problem a user must fix; `message` lists every bad key. */
export class ConfigError extends Error {
  readonly code = 'INVALID_INPUT';
}

type Raw = Record<string, unknown>;

function getPath(obj: Raw, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Raw)[part];
  }
  return cur;
}

function setPath(obj: Raw, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) cur = (cur[part] ??= {}) as Raw;
  cur[parts.at(-1)!] = value;
}

/** Every path the file may contain: keys and their sections. */
function knownPaths(): Set<string> {
  const paths = new Set<string>();
  for (const key of KEYS) {
    const parts = key.path.split('.');
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('.'));
  }
  return paths;
}

function unknownKeys(obj: Raw, prefix = '', known = knownPaths()): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (!known.has(path)) out.push(path);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...unknownKeys(value as Raw, path, known));
  }
  return out;
}

function readToml(file: string): Raw {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text) as Raw;
  } catch (err) {
    throw new ConfigError(`${file} is not valid TOML: ${(err as Error).message}`);
  }
}

function validate(fileValues: Raw, env: NodeJS.ProcessEnv, source: string): Config {
  const problems: string[] = unknownKeys(fileValues).map((p) => `${source}: unknown key "${p}"`);
  const out: Raw = {};
  for (const key of KEYS) {
    const fromEnv = env[key.env];
    const raw = fromEnv !== undefined ? fromEnv : getPath(fileValues, key.path) ?? key.default;
    const result = key.type.safeParse(raw);
    if (result.success) setPath(out, key.path, result.data);
    else {
      const where = fromEnv !== undefined ? key.env : `${source} key ${key.path}`;
      problems.push(`${where}: ${result.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const config = out as unknown as Config;
  if (Boolean(config.tls.certFile) !== Boolean(config.tls.keyFile)) {
    throw new ConfigError('invalid configuration:\n  tls.certFile and tls.keyFile must be set together');
  }
  return config;
}

/**
 * Loads the effective config: defaults, then the TOML file (if `file` is given,
 * it must exist; otherwise `relais.toml` in the working directory is read when
 * present), then RELAIS_* variables from `env`.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.RELAIS_CONFIG ?? (existsSync('relais.toml') ? 'relais.toml' : undefined);
  return validate(file ? readToml(file) : {}, env, file ?? 'defaults');
}

/** Validates one file on its own (environment ignored); throws ConfigError. */
export function checkConfigFile(file: string): Config {
  return validate(readToml(file), {}, file);
}

function mask(key: KeyDef, value: unknown): unknown {
  if (!key.isSecret || typeof value !== 'string' || value === '') return value;
  if (!/^[a-z]+:\/\//.test(value)) return '****';
  return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:****@');
}

function show(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((v) => (typeof v === 'object' && v ? JSON.stringify(objectText(v as Raw)) : JSON.stringify(v))).join(', ')}]`;
  }
  return JSON.stringify(value);
}

/** Turns parsed list items back into the text a user writes. */
function objectText(v: Raw): string {
  if ('prefix' in v) return `${v.address}/${v.prefix}`;
  if ('domain' in v) return `${v.domain}=${v.host}:${v.port}`;
  return `${v.host}:${v.port}`;
}

/** The effective config as commented TOML, secrets masked, each key with its env name. */
export function describeConfig(config: Config): string {
  const lines: string[] = [];
  let section = '';
  for (const key of KEYS) {
    const parts = key.path.split('.');
    const sec = parts.length > 1 ? parts[0]! : '';
    if (sec !== section) {
      lines.push('', `[${sec}]`);
      section = sec;
    }
    lines.push(`# ${key.description} (env ${key.env})`);
    lines.push(`${parts.at(-1)} = ${show(mask(key, getPath(config as unknown as Raw, key.path)))}`);
  }
  return lines.join('\n').trim() + '\n';
}

