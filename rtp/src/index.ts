export * from './rtp-packet.js';
export * from './stream-stitcher.js';
export * from './rtcp-packet.js';
