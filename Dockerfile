# One image for sfu-server and signaling, set up by the same script as a developer machine.
FROM node:20-bookworm-slim
WORKDIR /app
ENV MEDIASOUP_WORKER_BIN=/app/vendor/mediasoup-worker/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker \
    NODE_ENV=production
COPY . .
RUN bash scripts/setup.sh --runtime && npm prune --omit=dev
