// A raw SMTP client for tests that must send what no well-behaved client
// would: pipelined batches, bare LF, commands out of order, AUTH in clear.
// It writes exactly the bytes it is given and hands back each reply whole.
import net from 'node:net';
import tls from 'node:tls';

export interface SmtpReply {
  code: number;
  /** Text of each line, without the code and separator. */
  lines: string[];
  /** All lines joined with a space. */
  text: string;
  /** The reply as received, lines joined with "\n". */
  raw: string;
}

export interface SmtpClientOptions {
  host: string;
  port: number;
  /** Source address, e.g. another loopback address (127.0.0.2). */
  localAddress?: string;
  timeoutMs?: number;
}

export class SmtpTestClient {
  #socket: net.Socket | tls.TLSSocket;
  #buffer = '';
  #pendingLines: string[] = [];
  readonly #replies: SmtpReply[] = [];
  readonly #waiters: ((reply: SmtpReply | Error) => void)[] = [];
  readonly #timeoutMs: number;
  #isClosed = false;
  readonly closed: Promise<void>;
  #onClosed!: () => void;

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.closed = new Promise((resolve) => {
      this.#onClosed = resolve;
    });
    this.#attach(socket);
  }

  /** Connects and reads the greeting. */
  static async connect(options: SmtpClientOptions): Promise<{ client: SmtpTestClient; greeting: SmtpReply }> {
    const socket = net.connect({ host: options.host, port: options.port, localAddress: options.localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new SmtpTestClient(socket, options.timeoutMs ?? 10_000);
    return { client, greeting: await client.read() };
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  #attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.#onData(chunk.toString('latin1')));
    socket.on('error', () => this.#finish());
    socket.on('close', () => this.#finish());
  }

  #finish(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(new Error(`connection closed; unparsed: ${JSON.stringify(this.#buffer)}`));
    this.#onClosed();
  }

  #onData(text: string): void {
    this.#buffer += text;
    let end: number;
    while ((end = this.#buffer.indexOf('\r\n')) >= 0) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      this.#pendingLines.push(line);
      if (line.length < 4 || line[3] !== '-') {
        const lines = this.#pendingLines;
        this.#pendingLines = [];
        const texts = lines.map((l) => l.slice(4));
        const reply: SmtpReply = { code: Number(line.slice(0, 3)), lines: texts, text: texts.join(' '), raw: lines.join('\n') };
        const waiter = this.#waiters.shift();
        if (waiter) waiter(reply);
        else this.#replies.push(reply);
      }
    }
  }

  /** The next reply, waiting up to the timeout for it. */
  read(): Promise<SmtpReply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#isClosed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(settle);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`no reply within ${this.#timeoutMs} ms; unparsed: ${JSON.stringify(this.#buffer)}`));
      }, this.#timeoutMs);
      const settle = (reply: SmtpReply | Error) => {
        clearTimeout(timer);
        if (reply instanceof Error) reject(reply);
        else resolve(reply);
      };
      this.#waiters.push(settle);
    });
  }

  /** Reads `n` replies in order. */
  async readMany(n: number): Promise<SmtpReply[]> {
    const out: SmtpReply[] = [];
    for (let i = 0; i < n; i++) out.push(await this.read());
    return out;
  }

  /** Writes bytes exactly as given. */
  write(data: string | Buffer): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Sends one command line (CRLF added) and reads its reply. */
  async command(line: string): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /** STARTTLS, then the TLS handshake on the same socket (self-signed accepted). */
  async startTls(): Promise<SmtpReply> {
    const reply = await this.command('STARTTLS');
    if (reply.code === 220) await this.upgradeTls();
    return reply;
  }

  /** The TLS handshake alone, for a test that sent STARTTLS itself and read the 220. */
  async upgradeTls(): Promise<void> {
    const plain = this.#socket as net.Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#attach(secure);
  }

  /** EHLO, STARTTLS, EHLO again: a session ready for AUTH. */
  async secureHello(name = 'client.test'): Promise<SmtpReply> {
    const first = await this.command(`EHLO ${name}`);
    if (first.code !== 250) return first;
    const tlsReply = await this.startTls();
    if (tlsReply.code !== 220) return tlsReply;
    return this.command(`EHLO ${name}`);
  }

  /** The server's certificate, once TLS is up. */
  peerCertificate(): tls.PeerCertificate {
    if (!(this.#socket instanceof tls.TLSSocket)) throw new Error('no TLS on this connection');
    return this.#socket.getPeerCertificate();
  }

  /** AUTH PLAIN with an initial response. */
  authPlain(login: string, password: string): Promise<SmtpReply> {
    return this.command(`AUTH PLAIN ${Buffer.from(`\0${login}\0${password}`).toString('base64')}`);
  }

  /** Sends QUIT (when still open) and waits for the server to close. */
  async quit(): Promise<void> {
    if (!this.#isClosed) {
      this.write('QUIT\r\n');
      await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
    }
    this.destroy();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
