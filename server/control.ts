// The control socket: while relais runs on an embedded (single-process)
// database, `relais queue …` and `relais user …` from another shell are sent
// here and run inside the running process, the way postqueue talks to the
// running Postfix. The socket lives in the data directory, mode 0600.
import { existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

export interface ControlRequest {
  argv: string[];
  stdin: string;
}

export interface ControlResponse {
  lines: { stream: 'out' | 'err'; text: string }[];
  exitCode: number;
}

export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, 'control.sock');
}

/** Sends one request; resolves null when no relais answers on the socket. */
export function sendControlRequest(dataDir: string, request: ControlRequest): Promise<ControlResponse | null> {
  const path = controlSocketPath(dataDir);
  if (!existsSync(path)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let data = '';
    socket.on('connect', () => socket.end(JSON.stringify(request)));
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? resolve(null) : reject(err),
    );
    socket.on('end', () => {
      try {
        resolve(JSON.parse(data) as ControlResponse);
      } catch {
        reject(new Error('relais control socket gave an unreadable answer'));
      }
    });
  });
}

export async function startControlServer(dataDir: string, handler: ControlHandler): Promise<{ close(): Promise<void> }> {
  const path = controlSocketPath(dataDir);
  if ((await sendControlRequest(dataDir, { argv: ['ping'], stdin: '' }).catch(() => null)) !== null) {
    throw new Error(`relais is already running on data directory ${dataDir}`);
  }
  rmSync(path, { force: true }); // left over by a killed process
  // Half-open: the client ends its side to mark the end of the request, then reads the answer.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk;
      if (data.length > 1_000_000) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('end', () => {
      let request: ControlRequest;
      try {
        request = JSON.parse(data) as ControlRequest;
        if (!Array.isArray(request.argv)) throw new Error('argv missing');
      } catch {
        socket.end(JSON.stringify({ lines: [{ stream: 'err', text: 'bad control request' }], exitCode: 2 }));
        return;
      }
      handler(request).then(
        (response) => socket.end(JSON.stringify(response)),
        (err: Error) => socket.end(JSON.stringify({ lines: [{ stream: 'err', text: `relais: ${err.message}` }], exitCode: 1 })),
      );
    });
  });
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(oldMask);
  }
  return {
    close: () => new Promise<void>((resolve) => server.close(() => { rmSync(path, { force: true }); resolve(); })),
  };
}
