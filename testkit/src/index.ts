export * from './ports.js';
export * from './redis.js';
