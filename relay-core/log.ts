// One logger shape for every area: a message plus fields, one JSON line each.
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(stream: NodeJS.WritableStream = process.stderr, base: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    const err = fields.err instanceof Error ? { err: fields.err.message } : {};
    stream.write(JSON.stringify({ at: new Date().toISOString(), level, message, ...base, ...fields, ...err }) + '\n');
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
