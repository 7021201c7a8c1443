// A worker thread does not inherit tsx's loader: register it, then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./replayer-thread.ts');
