import { createSignalingServer } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const server = await createSignalingServer(config, logger);
await server.listen();

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
