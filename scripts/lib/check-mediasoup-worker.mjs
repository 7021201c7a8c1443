// Starts one mediasoup worker with MEDIASOUP_WORKER_BIN, asks it for its resource usage and a
// router, and prints the versions. Exits non-zero if the worker cannot start or answer.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../sfu-server/package.json', import.meta.url));
const mediasoup = require('mediasoup');

const worker = await mediasoup.createWorker({ logLevel: 'error' });
try {
  await worker.getResourceUsage();
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
  router.close();
  console.log(`[ehop] mediasoup-worker ${mediasoup.version} starts and answers (pid ${worker.pid}, ${process.env.MEDIASOUP_WORKER_BIN})`);
} finally {
  worker.close();
}
