import { GlobalWorkerOptions, getDocument, type PDFDocumentLoadingTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Served with the app (see vite/pdfjs-assets.ts): fonts and maps never come from the internet. */
const assets = `${import.meta.env.BASE_URL}pdfjs/`;

/**
 * Starts loading a PDF from our server. pdf.js asks for byte ranges, so the first page of a
 * long document shows before the whole file has arrived. Destroy the task to stop it.
 */
export function loadPdf(url: string): PDFDocumentLoadingTask {
  return getDocument({
    url,
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
