import { expect, type Locator, type Page } from '@playwright/test';

/** The screen sizes the room must work at: laptops (720p, 800p tablets, 768p) and a full-HD TV. */
export const SCREEN_SIZES = [
  { width: 1280, height: 720 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

export interface OnScreen {
  rect: { left: number; top: number; width: number; height: number };
  /** The whole box lies inside the window. */
  inside: boolean;
  /** Points of the box (centre, and near each corner) where something else is on top, described. */
  covered: string[];
}

/**
 * Where each element `locator` matches is and what lies on top of it: its bounding box against
 * the window, and, at its centre and near its four corners, whether `document.elementFromPoint`
 * finds it (or something inside it) rather than another element over it or an ancestor clipping
 * it away. One round trip for all the matches.
 */
export function onScreenAll(locator: Locator): Promise<OnScreen[]> {
  return locator.evaluateAll((elements) =>
    elements.map((element) => {
      const box = element.getBoundingClientRect();
      const inside =
        box.width > 0 && box.height > 0 && box.left >= -0.5 && box.top >= -0.5 && box.right <= innerWidth + 0.5 && box.bottom <= innerHeight + 0.5;
      const fractions = [
        [0.5, 0.5],
        [0.1, 0.15],
        [0.9, 0.15],
        [0.1, 0.85],
        [0.9, 0.85],
      ] as const;
      const describe = (node: Element | null) =>
        node ? `${node.tagName.toLowerCase()}${node.getAttribute('data-testid') ? `[${node.getAttribute('data-testid')}]` : ''}.${[...node.classList].join('.')}` : 'nothing';
      const covered: string[] = [];
      for (const [fx, fy] of fractions) {
        const x = box.left + fx * box.width;
        const y = box.top + fy * box.height;
        const top = document.elementFromPoint(x, y);
        if (!top || !(top === element || element.contains(top))) covered.push(`(${Math.round(x)},${Math.round(y)}) ${describe(top)}`);
      }
      return { rect: { left: box.left, top: box.top, width: box.width, height: box.height }, inside, covered };
    }),
  );
}

export async function onScreen(locator: Locator): Promise<OnScreen> {
  const [seen] = await onScreenAll(locator.first());
  if (!seen) throw new Error(`nothing matches ${locator.toString()}`);
  return seen;
}

/** The element is wholly inside the window and nothing lies over it. */
export async function expectUncovered(locator: Locator, what: string): Promise<OnScreen> {
  await expect(locator, what).toBeVisible();
  const seen = await onScreen(locator);
  expectSeen(seen, what);
  return seen;
}

/** Every element `locator` matches is wholly on screen and uncovered (at least `atLeast` of them). */
export async function expectAllUncovered(locator: Locator, what: string, atLeast = 1): Promise<void> {
  const seen = await onScreenAll(locator);
  expect(seen.length, `how many ${what}`).toBeGreaterThanOrEqual(atLeast);
  seen.forEach((one, index) => expectSeen(one, `${what} #${index + 1}`));
}

function expectSeen(seen: OnScreen, what: string): void {
  expect(seen.inside, `${what} inside the window: ${JSON.stringify(seen.rect)}`).toBe(true);
  expect(seen.covered, `${what}: covered at`).toEqual([]);
}

/** The page itself does not scroll: what is not in the window cannot be reached on a TV. */
export async function expectNoPageScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
  expect(overflow, 'the page is taller than the window by').toBeLessThanOrEqual(0);
}

/** Resizes the window and lets the layout (and any canvas re-render) settle. */
export async function resize(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.waitForFunction(({ width, height }) => innerWidth === width && innerHeight === height, size);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}
