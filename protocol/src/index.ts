export * from './result.js';
export * from './domain.js';
export * from './media.js';
export * from './http-api.js';
export * from './client-api.js';
export * from './sfu-api.js';
export * from './handle-request.js';
