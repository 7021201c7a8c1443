import { ConfigError, loadConfig, type SfuConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startInternalApi, type InternalApi } from './api/internal-api-server.js';
import { traceMediaSteps } from './media/media-trace.js';
import { RoomRegistry } from './media/room-registry.js';
import { everyoneReceivesEveryoneElse } from './media/subscription-policy.js';
import { WorkerPool } from './media/worker-pool.js';
import { NodeAnnouncer } from './cluster/node-announcer.js';

/** Bitrates a meeting needs: ~1 Mbps to start a consumer's estimate, 1.5 Mbps cap per sender. */
const INITIAL_OUTGOING_BITRATE = 1_000_000;
const MAX_INCOMING_BITRATE = 1_500_000;

async function main(): Promise<void> {
  let config: SfuConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  const { rtc } = config;
  // Before the workers start: the trace follows every router, transport, producer and consumer they make.
  if (config.mediaTrace) traceMediaSteps(log.child({ component: 'media-trace' }));
  const pool = await WorkerPool.start(
    {
      size: config.workers,
      rtcMinPort: rtc.minPort,
      rtcMaxPort: rtc.maxPort,
      webRtc: { listenIp: rtc.listenIp, announcedIp: rtc.announcedIp, firstPort: rtc.port },
    },
    log.child({ component: 'worker-pool' }),
  ).catch((error: unknown) => {
    // Typically a port already in use: say so in the log an operator reads, not only as a stack trace.
    log.fatal({ err: error }, (error as Error).message);
    process.exit(1);
  });
  const registry = new RoomRegistry(
    pool,
    {
      plainListenIp: { ip: rtc.listenIp, ...(rtc.announcedIp ? { announcedIp: rtc.announcedIp } : {}) },
      initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
      maxIncomingBitrate: MAX_INCOMING_BITRATE,
    },
    log.child({ component: 'rooms' }),
    {
      layerLingerMs: config.layerLingerMs,
      peerLimits: config.peerLimits,
      recorderListenIp: rtc.recorderListenIp,
      linkListenIp: { ip: rtc.linkListenIp, ...(rtc.linkAnnouncedIp ? { announcedIp: rtc.linkAnnouncedIp } : {}) },
      spread: config.roomSpread,
      ...(config.forwarding === 'all-to-all' ? { rule: everyoneReceivesEveryoneElse } : {}),
    },
  );
  const api = await startInternalApi({
    host: config.host,
    port: config.port,
    secret: config.secret,
    tls: config.tls,
    pool,
    registry,
    enablePlainRtp: config.enablePlainRtp,
    nodeGraceMs: config.nodeGraceMs,
    log: log.child({ component: 'internal-api' }),
  });
  log.info(
    { url: api.url, workers: pool.describe(), internalRtcPorts: [rtc.minPort, rtc.maxPort], forwarding: config.forwarding, roomSpread: config.roomSpread, plainRtp: config.enablePlainRtp, nodeGraceMs: config.nodeGraceMs },
    'sfu-server ready',
  );
  const announcer = config.cluster ? await announce(config, api, registry, log) : null;

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stop(signal, api, registry, pool, announcer, log);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Joins the SFU node registry, so that signaling nodes find this one (several SFUs). */
async function announce(config: SfuConfig, api: InternalApi, registry: RoomRegistry, log: Logger): Promise<NodeAnnouncer> {
  const cluster = config.cluster!;
  const announcer = new NodeAnnouncer(
    {
      redisUrl: cluster.redisUrl,
      nodeId: cluster.nodeId,
      url: cluster.advertisedUrl ?? api.url,
      unitId: cluster.unitId,
      load: () => registry.load(),
    },
    log.child({ component: 'node-announcer' }),
  );
  await announcer.start().catch((error: unknown) => {
    log.fatal({ err: error }, `cannot announce this node in Redis (SFU_REDIS_URL): ${(error as Error).message}`);
    process.exit(1);
  });
  return announcer;
}

async function stop(signal: string, api: InternalApi, registry: RoomRegistry, pool: WorkerPool, announcer: NodeAnnouncer | null, log: Logger): Promise<void> {
  log.info({ signal }, 'shutting down');
  // First: no signaling node should place a meeting here any more.
  await announcer?.stop();
  const closingApi = api.close();
  registry.closeAll();
  await Promise.all([closingApi, pool.close()]);
  log.info('stopped');
  process.exit(0);
}

await main();
