import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expectViewerOnPage, numberedPdf, openDocuments, uploadThroughPage } from '../support/documents-page.js';
import { DEMO_MEETING_ID, DEMO_PASSWORD, expect, joinMeeting, test } from '../support/meeting-page.js';

/*
 * Issue 12, items 11 and 12, in a real browser: the app runs under its Content-Security-Policy
 * (no violation anywhere from sign-in to video, a PDF and sign-out), no other site may frame it,
 * and a page on another origin of the same host, which the browser hands the user's cookie,
 * gets neither a socket nor a state change.
 */

/** Records every CSP violation the page reports (the init script runs before the app's own code). */
async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction('ehopCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { ehopCspViolation(text: string): void }).ehopCspViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return violations;
}

test('the app runs under its Content-Security-Policy: sign-in, video, a PDF, the minutes, sign-out, no violation', async ({ browser }) => {
  const context = await browser.newContext();
  const chair = await context.newPage();
  const violations = await watchCspViolations(chair);
  const response = await chair.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

  await chair.getByTestId('login-username').fill('chutri');
  await chair.getByTestId('login-password').fill(DEMO_PASSWORD);
  await chair.getByTestId('login-submit').click();
  await joinMeeting(chair);
  await expect(chair.getByTestId('meeting-room').locator('video').first()).toBeVisible();

  await openDocuments(chair);
  const documentId = await uploadThroughPage(chair, { name: `Tờ trình CSP ${Date.now()}.pdf`, buffer: await numberedPdf(3) });
  await chair.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`).getByTestId('document-open').click();
  await expectViewerOnPage(chair, 1);
  await chair.getByTestId('viewer-next').click();
  await expectViewerOnPage(chair, 2);

  // The minutes editor (tiptap adds a stylesheet of its own).
  await chair.goto('/');
  await chair.locator(`[data-testid="meeting-item"][data-meeting-id="${DEMO_MEETING_ID}"] [data-testid="meeting-minutes-link"]`).click();
  await expect(chair.getByTestId('minutes-panel')).toBeVisible();
  await expect(chair.getByTestId('minutes-editor-details')).toBeVisible();

  await chair.getByTestId('sign-out').click();
  await expect(chair.getByTestId('login-username')).toBeVisible();
  expect(violations).toEqual([]);
  await context.close();
});

test('no other site can frame the app', async ({ page, baseURL }) => {
  // setContent resolves on the page's load event, which waits for the frame to load (or fail).
  await page.setContent(`<iframe id="victim" src="${baseURL}/" width="800" height="600"></iframe>`);
  const [frame] = page.frames().filter((candidate) => candidate !== page.mainFrame());
  // Chromium replaces a refused frame by its error page: the app never renders inside.
  expect(frame!.url()).toMatch(/^chrome-error:/);
  await expect(page.frameLocator('#victim').getByTestId('login-username')).toHaveCount(0);
});

/** A page on another port of the same host: "same site", so the browser sends the user's cookie. */
async function startAttackerSite(target: string): Promise<{ url: string; server: Server }> {
  const page = `<!doctype html><script>
    window.attack = (async () => {
      const socket = await new Promise((resolve) => {
        const ws = new WebSocket('${target.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket');
        const seen = [];
        ws.onmessage = (event) => {
          seen.push(String(event.data).slice(0, 2));
          if (String(event.data).startsWith('0')) ws.send('40');
          if (String(event.data).startsWith('40')) resolve({ connected: true, seen });
          if (String(event.data).startsWith('44')) resolve({ connected: false, seen });
        };
        ws.onerror = () => resolve({ connected: false, seen, error: true });
        ws.onclose = () => resolve({ connected: false, seen, closed: true });
      });
      // The request leaves even when the answer cannot be read (no CORS, CORP same-origin).
      await fetch('${target}/api/auth/logout', { method: 'POST', credentials: 'include', mode: 'no-cors' }).catch(() => undefined);
      return socket;
    })();
  </script>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

test("a page on another origin, holding the chair's cookie, gets no socket and cannot log the chair out", async ({ signIn, baseURL }) => {
  const chair = await signIn('chutri');
  const attacker = await startAttackerSite(baseURL!);
  try {
    const tab = await chair.context().newPage();
    await tab.goto(attacker.url);
    const socket = await tab.evaluate(() => (window as unknown as { attack: Promise<{ connected: boolean; seen: string[] }> }).attack);
    expect(socket.connected).toBe(false);
    expect(socket.seen).toEqual([]);
    // The chair is still signed in: the forged logout was refused.
    expect((await chair.request.get('/api/auth/me')).status()).toBe(200);
    await chair.reload();
    await expect(chair.getByTestId('meeting-item').first()).toBeVisible();
  } finally {
    attacker.server.close();
  }
});
