import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The baseline of bench/page-sync.ts: a bare socket.io server that rebroadcasts a page turn to
 * every connected socket. No session, no validation, no Redis: what socket.io itself costs.
 * Prints its port on stdout.
 */
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('turn', (payload: unknown, ack?: (reply: unknown) => void) => {
    io.emit('presentation:changed', payload);
    ack?.({ ok: true });
  });
});
httpServer.listen(0, '127.0.0.1', () => {
  const address = httpServer.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => io.close(() => process.exit(0)));
