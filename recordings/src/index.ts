export * from './chapters.js';
export * from './recording-files.js';
export * from './recording-session.js';
export * from './recovery.js';
export { probeDurationSec } from './finalise.js';
