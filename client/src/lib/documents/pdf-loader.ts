import { GlobalWorkerOptions, PDFWorker, getDocument, type PDFDocumentLoadingTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/**
 * One pdf.js worker for the whole tab. Switching documents (the presenter moves on) then costs
 * no worker start-up, and destroying the old document's task cannot take the worker the new
 * one uses down with it.
 */
let sharedWorker: PDFWorker | null = null;
function worker(): PDFWorker {
  if (!sharedWorker || sharedWorker.destroyed) sharedWorker = new PDFWorker();
  return sharedWorker;
}

/** Starts the worker (a 1 MB script to parse) while the reader still looks at the document list. */
export function prewarmPdfWorker(): void {
  worker();
}

/** Served with the app (see vite/pdfjs-assets.ts): fonts and maps never come from the internet. */
const assets = `${import.meta.env.BASE_URL}pdfjs/`;

/**
 * Starts loading a PDF from our server. pdf.js asks for byte ranges, so the first page of a
 * long document shows before the whole file has arrived. Destroy the task to stop it.
 */
export function loadPdf(url: string): PDFDocumentLoadingTask {
  return getDocument({
    url,
    worker: worker(),
    withCredentials: true,
    cMapUrl: `${assets}cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${assets}standard_fonts/`,
    wasmUrl: `${assets}wasm/`,
    iccUrl: `${assets}iccs/`,
    // Vietnamese text in PDFs without embedded fonts falls back to system fonts through the browser.
    useSystemFonts: true,
    isEvalSupported: false,
  });
}
