import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Security headers on every answer (helmet). The Content-Security-Policy allows only the app's own
 * files, which the built client (client/dist) is made of:
 * - scripts: the bundles and the pdf.js worker, all from 'self'; no inline script, no eval.
 *   'wasm-unsafe-eval' lets pdf.js compile its image decoders (WebAssembly, not JavaScript).
 * - styles: 'self' for the stylesheets, and inline ones: the minutes editor (tiptap) adds a <style>
 *   element of its own (e2e/tests/security.spec.ts sees it refused without 'unsafe-inline'), and
 *   Svelte templates may carry style attributes. A style cannot run code.
 * - media: cameras and microphones arrive as MediaStreams (no URL); recordings and documents from
 *   'self'; blob: and data: for pictures pdf.js and the app make in the page.
 * - connect: the API and socket.io on 'self' (which covers ws:/wss: to the same host).
 * No site may frame the app (clickjacking), MIME types are not sniffed, no Referer leaves.
 */
export function securityHeaders({ tls }: { tls: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        workerSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Over plain HTTP (a LAN demo) upgrading would break every request.
        upgradeInsecureRequests: tls ? [] : null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS means something only over HTTPS, and over HTTPS it should be there.
    strictTransportSecurity: tls ? { maxAge: 180 * 24 * 3600 } : false,
  });
}
