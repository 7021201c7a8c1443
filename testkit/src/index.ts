export * from './ports.js';
export * from './service-process.js';
export * from './redis.js';
export * from './sfu-server.js';
export * from './signaling.js';
export * from './chromium.js';
export * from './plain-rtp.js';
export * from './tls.js';
