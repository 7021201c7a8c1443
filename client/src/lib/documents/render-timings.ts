/**
 * `window.ehopPdfTimings`: when each page was asked for and when it was on screen
 * (`performance.now()` ms). Read by bench/pdf-render.ts; costs nothing otherwise.
 */
export interface PageTiming {
  documentUrl: string;
  page: number;
  requestedAt: number;
  drawnAt: number;
}

declare global {
  interface Window {
    ehopPdfTimings?: PageTiming[];
    /** When the viewer started loading its current document. */
    ehopPdfLoadStartedAt?: number;
  }
}

export function markDocumentLoadStarted(): void {
  window.ehopPdfLoadStartedAt = performance.now();
}

export function recordPageDrawn(timing: PageTiming): void {
  (window.ehopPdfTimings ??= []).push(timing);
  if (window.ehopPdfTimings.length > 200) window.ehopPdfTimings.shift();
}
