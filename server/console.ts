// The admin console's static files (web/dist, built by `npm run build:web`),
// served at `/` with a Content-Security-Policy that allows no inline script:
// even if mail data ever reached the page as markup, it could not run.
// Unknown paths without a file extension get index.html (client routing).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // uPlot and React set element styles at run time (style attributes, not scripts).
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

async function fileAt(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

/** Serves one console request from `dir`; answers 404 when the console is not built. */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, dir: string): Promise<void> {
  let path: string;
  try {
    path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
  } catch {
    path = '/';
  }
  // Resolved inside `dir` only: `..` and encoded tricks cannot leave it.
  const relative = normalize(path).replace(/^([/\\])+/, '');
  let file = join(dir, relative);
  if (!file.startsWith(dir + sep) && file !== dir) file = join(dir, 'index.html');
  let size = relative && !relative.includes('\0') ? await fileAt(file) : null;
  if (size === null && !extname(relative)) {
    file = join(dir, 'index.html');
    size = await fileAt(file);
  }
  if (size === null) {
    const isBuilt = (await fileAt(join(dir, 'index.html'))) !== null;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(isBuilt ? 'not found\n' : 'the console is not built: run `npm run build:web`\n');
    return;
  }
  const isAsset = relative.startsWith('assets/');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    // Vite names assets by content hash: they never change under one name.
    'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
