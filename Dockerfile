# One image for sfu-server and signaling, set up by the same script as a developer machine.
FROM node:20-bookworm-slim
WORKDIR /app
# setup.sh compiles the mediasoup worker from the npm package's sources (about 5 minutes on 2 cores;
# sfu-server/worker-build/README.md) into this cache, which stays inside the image.
ENV EHOP_CACHE_DIR=/var/cache/ehop
COPY . .
# NODE_ENV=production comes after this step: with it set, `npm ci` leaves out the devDependencies
# (typescript, vite) that the build needs; `npm prune` drops them once everything is built.
RUN bash scripts/setup.sh --runtime \
 && npm prune --omit=dev \
 && bash -c 'source scripts/lib/common.sh && ln -s "$MEDIASOUP_WORKER_BIN" /usr/local/bin/mediasoup-worker'
# The servers are started with `node` directly (docker-compose.yml), not through common.sh.
ENV NODE_ENV=production \
    MEDIASOUP_WORKER_BIN=/usr/local/bin/mediasoup-worker
