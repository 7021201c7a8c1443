export * from './meeting-endpoint.js';
export * from './inbound-streams.js';
