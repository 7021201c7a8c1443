import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '@ehop/testkit';

/**
 * Debian's Chromium with fake camera/microphone, as in the e2e tests; with `cameraFile` (a y4m
 * file) the fake camera plays that file instead of Chromium's built-in pattern.
 */
export function launchChromium({ cameraFile }: { cameraFile?: string } = {}): Promise<Browser> {
  const camera = cameraFile ? [`--use-file-for-fake-video-capture=${cameraFile}`] : [];
  return chromium.launch({ executablePath: chromiumExecutable, args: [...chromiumArgs, ...camera] });
}
