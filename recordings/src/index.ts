export * from './chapters.js';
export * from './recording-files.js';
export * from './recording-session.js';
export * from './recovery.js';
export * from './stream-stitcher.js';
export * from './rtp-packet.js';
export { probeDurationSec } from './finalise.js';
