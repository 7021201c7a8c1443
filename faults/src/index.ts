export * from './meeting-endpoint.js';
export * from './inbound-streams.js';
export * from './fault-stack.js';
export * from './faults.js';
export * from './meeting-scenario.js';
export * from './recovery-checks.js';
export * from './synthetic-media.js';
