import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '@ehop/testkit';

/** Debian's Chromium with fake camera/microphone, as in the e2e tests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable, args: chromiumArgs });
}
