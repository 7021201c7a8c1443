import { startMeetingStack } from './meeting-stack.js';

/** Starts the real system once for the whole e2e run (see `startMeetingStack`). */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startMeetingStack();
  process.env.EHOP_BASE_URL = stack.url;
  return () => stack.stop();
}
