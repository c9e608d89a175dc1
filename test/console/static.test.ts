// Serving the built console: SPA fallback, long-lived hashed assets, the
// Content-Security-Policy on every answer, and no way out of the directory.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, serveConsole } from '../../server/console.ts';

let server: Server;
let port: number;
const root = mkdtempSync(join(tmpdir(), 'relais-console-'));
const dist = join(root, 'dist');
writeFileSync(join(root, 'secret.txt'), 'outside the console');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>relais</title><script type="module" src="/assets/app-1234.js"></script>');
writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');

beforeAll(async () => {
  server = createServer((req, res) => void serveConsole(req, res, req.url?.startsWith('/unbuilt') ? join(root, 'none') : dist));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Raw GET, so that `..` reaches the server as written (fetch would normalise it). */
function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console files', () => {
  it('serves index.html for / and for client routes, with the CSP and no caching', async () => {
    for (const path of ['/', '/queue', '/settings/tokens']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.body).toContain('<title>relais</title>');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    expect(CONSOLE_CSP).not.toContain('unsafe-inline\'; script');
    expect(CONSOLE_CSP).toMatch(/script-src 'self'(;|$)/);
  });

  it('serves hashed assets with a long cache life, and 404 for a missing file', async () => {
    const asset = await get('/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('never serves a file outside its directory', async () => {
    for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/%00', '/%E0%A4%A']) {
      const res = await get(path);
      expect(res.body, path).not.toContain('outside the console');
    }
  });

  it('says how to build the console when it is not built', async () => {
    const res = await get('/unbuilt');
    expect(res.status).toBe(404);
    expect(res.body).toContain('npm run build:web');
  });
});
