import { createSignalingServer, type SignalingServer } from './app/signaling-server.js';
import { loadConfig, type SignalingConfig } from './config.js';
import { createLogger } from './logger.js';

let config: SignalingConfig;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const logger = createLogger(config.logLevel);

let server: SignalingServer;
try {
  server = await createSignalingServer(config, logger);
  await server.listen();
} catch (error) {
  logger.fatal({ err: error }, 'signaling could not start');
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // A stuck dependency must not keep the process alive forever; the supervisor expects an exit.
  setTimeout(() => {
    logger.error('graceful shutdown timed out');
    process.exit(1);
  }, 10_000).unref();
  await server.close();
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
