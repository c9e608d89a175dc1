import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfigFile, ConfigError, describeConfig, KEYS, loadConfig } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'relais-config-'));
function file(text: string): string {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, text);
  return path;
}

describe('configuration', () => {
  it('runs on defaults alone: SMTP on 2525, embedded database, no trusted network', () => {
    const config = loadConfig({ env: {} });
    expect(config.smtp.port).toBe(2525);
    expect(config.databaseUrl).toBe('');
    expect(config.smtp.trustedNetworks).toEqual([]);
    expect(config.delivery.mxPort).toBe(25);
    expect(config.delivery.allowPrivateMx).toBe(false);
    expect(config.queue.maxAgeMs).toBe(5 * 24 * 3600 * 1000);
  });

  it('gives every key a default, a description and a RELAIS_ environment name', () => {
    for (const key of KEYS) {
      expect(key.description.length).toBeGreaterThan(10);
      expect(key.env).toMatch(/^RELAIS_[A-Z_]+$/);
      expect(key.type.safeParse(key.default).success).toBe(true);
    }
    expect(new Set(KEYS.map((k) => k.env)).size).toBe(KEYS.length);
  });

  it('reads a TOML file and lets RELAIS_* variables override it', () => {
    const path = file('[smtp]\nport = 2600\ntrustedNetworks = ["127.0.0.0/8", "::1"]\n[delivery]\nroutes = ["*=127.0.0.1:2526"]\n');
    const config = loadConfig({ file: path, env: { RELAIS_SMTP_PORT: '2700', RELAIS_DNS_SERVERS: '127.0.0.1:5353,::1', RELAIS_ALLOW_PRIVATE_MX: 'true' } });
    expect(config.smtp.port).toBe(2700);
    expect(config.smtp.trustedNetworks.map((c) => `${c.address}/${c.prefix}`)).toEqual(['127.0.0.0/8', '::1/128']);
    expect(config.delivery.routes).toEqual([{ domain: '*', host: '127.0.0.1', port: 2526 }]);
    expect(config.dns.servers).toEqual([{ host: '127.0.0.1', port: 5353 }, { host: '::1', port: 53 }]);
    expect(config.delivery.allowPrivateMx).toBe(true);
  });

  it('parses routes like Postfix transport: per domain and a catch-all', () => {
    const config = loadConfig({ env: { RELAIS_ROUTES: 'example.org=[::1]:2526, *=smarthost.test:587' } });
    expect(config.delivery.routes).toEqual([
      { domain: 'example.org', host: '::1', port: 2526 },
      { domain: '*', host: 'smarthost.test', port: 587 },
    ]);
  });

  it('names every bad key and value at once, from the file and from the environment', () => {
    const path = file('[smtp]\nport = "many"\nbogus = 1\n[nosuchsection]\nx = 1\n');
    let error: unknown;
    try {
      loadConfig({ file: path, env: { RELAIS_TRUSTED_NETWORKS: '10.0.0.0/99', RELAIS_ROUTES: 'nohost', RELAIS_DATABASE_URL: 'mysql://x' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const part of ['smtp.port', 'unknown key "smtp.bogus"', 'unknown key "nosuchsection"', 'RELAIS_TRUSTED_NETWORKS', '10.0.0.0/99', 'RELAIS_ROUTES', 'RELAIS_DATABASE_URL']) {
      expect(message).toContain(part);
    }
  });

  it('refuses a file that is not TOML, or missing, with the file name in the message', () => {
    expect(() => checkConfigFile(file('[smtp\nport = 1'))).toThrow(/not valid TOML/);
    expect(() => checkConfigFile(join(dir, 'missing.toml'))).toThrow(/cannot read config file .*missing\.toml/);
  });

  it('refuses a certificate without its key', () => {
    expect(() => loadConfig({ env: { RELAIS_TLS_CERT_FILE: '/etc/ssl/cert.pem' } })).toThrow(/certFile and tls.keyFile/);
  });

  it('shows the effective config as TOML with secrets masked', () => {
    const config = loadConfig({ env: { RELAIS_DATABASE_URL: 'postgres://relais:s3cret@db.example:5432/relais', RELAIS_TRUSTED_NETWORKS: '192.0.2.0/24' } });
    const shown = describeConfig(config);
    expect(shown).not.toContain('s3cret');
    expect(shown).toContain('databaseUrl = "postgres://relais:****@db.example:5432/relais"');
    expect(shown).toContain('trustedNetworks = ["192.0.2.0/24"]');
    expect(shown).toContain('[smtp]');
    expect(shown).toContain('(env RELAIS_SMTP_PORT)');
    // What it prints is itself a valid config file.
    expect(checkConfigFile(file(shown)).smtp.trustedNetworks).toEqual(config.smtp.trustedNetworks);
  });
});

describe('README', () => {
  it('documents every configuration key by its environment name', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const missing = KEYS.filter((k) => !readme.includes(`\`${k.env}\``)).map((k) => k.env);
    expect(missing).toEqual([]);
  });
});
