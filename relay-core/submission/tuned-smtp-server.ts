// Two changes to smtp-server 3.21.6's connection set-up, tied to that pinned
// version (connect() below mirrors SMTPServer.connect):
//
// 1. It waits a fixed 100 ms before every greeting to catch
// clients that talk too early: a defence for an inbound MX against spam
// bots. On a submission port it protects nothing (clients authenticate or
// come from trusted networks) and it caps a connection-per-message client at
// ten messages per second per session, so this server greets at once.
// Early talkers are still refused: smtp-server only reads commands after the
// greeting.
//
// 2. Its refusal of a declared SIZE= over the limit carries no enhanced
// status (its enhanced codes are off, as every reply of ours writes its own):
// that one reply is given the 5.3.4 the stream check gives too.
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

type ConnectArgs = Parameters<SMTPServer['connect']>;

export class TunedSMTPServer extends SMTPServer {
  override connect(socket: ConnectArgs[0], socketOptions?: ConnectArgs[1]): void {
    const connection = new SMTPConnection(this, socket, socketOptions);
    const validateMailParams = connection._validateMailParams.bind(connection);
    connection._validateMailParams = (parsed) => {
      const error = validateMailParams(parsed);
      return error?.code === 552 ? { ...error, message: '5.3.4 Message size exceeds fixed maximum message size' } : error;
    };
    const self = this as unknown as {
      connections: Set<SMTPConnection>;
      _onError(err: Error): void;
      _onClientConnect(data: unknown): void;
    };
    self.connections.add(connection);
    connection.on('error', (err: Error) => self._onError(err));
    connection.on('connect', (data: unknown) => self._onClientConnect(data));
    connection._setListeners(() => {
      if (this.options.maxClients && self.connections.size > this.options.maxClients) {
        connection.send(421, `${connection.name} Too many connected clients, try again in a moment`, false);
        return;
      }
      connection.connectionReady();
    });
  }
}
