import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';

/** Pages kept rendered: the current one, the next (rendered ahead) and a couple behind. */
const CACHE_SIZE = 4;

interface Rendered {
  canvas: HTMLCanvasElement;
  key: string;
}

/**
 * Renders pages into off-screen canvases and keeps the last few, so turning to the next page
 * (rendered ahead while the reader reads) is a copy onto the visible canvas. Evicted canvases
 * are reused instead of allocating new ones.
 */
export class PageRenderer {
  private readonly cache: Rendered[] = [];
  private readonly spare: HTMLCanvasElement[] = [];
  private readonly pending = new Map<string, { promise: Promise<HTMLCanvasElement>; task: RenderTask | null }>();

  constructor(private readonly pdf: PDFDocumentProxy) {}

  /** The page at `cssWidth` CSS pixels wide (sharp on high-density screens). */
  render(pageNumber: number, cssWidth: number): Promise<HTMLCanvasElement> {
    const key = cacheKey(pageNumber, cssWidth);
    const cached = this.cache.find((entry) => entry.key === key);
    if (cached) {
      this.touch(cached);
      return Promise.resolve(cached.canvas);
    }
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight.promise;
    const entry: { promise: Promise<HTMLCanvasElement>; task: RenderTask | null } = { promise: Promise.resolve(null as never), task: null };
    entry.promise = this.draw(pageNumber, cssWidth, (task) => (entry.task = task)).finally(() => this.pending.delete(key));
    this.pending.set(key, entry);
    return entry.promise;
  }

  /** Renders a page in the background so showing it later is instant; errors are ignored. */
  prefetch(pageNumber: number, cssWidth: number): void {
    if (pageNumber < 1 || pageNumber > this.pdf.numPages) return;
    this.render(pageNumber, cssWidth).catch(() => undefined);
  }

  /** Size of a page at scale 1 (PDF points), for fitting it to the viewer. */
  async pageSize(pageNumber: number): Promise<{ width: number; height: number }> {
    const page = await this.pdf.getPage(pageNumber);
    const viewport = page.getViewport({ scale: 1 });
    return { width: viewport.width, height: viewport.height };
  }

  /** Stops renders nobody waits for any more (e.g. the reader jumped far away). */
  cancelExcept(keep: number[]): void {
    for (const [key, entry] of this.pending) {
      if (!keep.includes(Number(key.split('@')[0]))) entry.task?.cancel();
    }
  }

  destroy(): void {
    for (const entry of this.pending.values()) entry.task?.cancel();
    this.cache.length = 0;
    this.spare.length = 0;
  }

  private async draw(pageNumber: number, cssWidth: number, onTask: (task: RenderTask) => void): Promise<HTMLCanvasElement> {
    const page = await this.pdf.getPage(pageNumber);
    const base = page.getViewport({ scale: 1 });
    const pixelRatio = Math.min(window.devicePixelRatio || 1, 2);
    const viewport = page.getViewport({ scale: (cssWidth / base.width) * pixelRatio });
    const canvas = this.spare.pop() ?? document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    const task = page.render({ canvas, viewport });
    onTask(task);
    await task.promise;
    this.remember({ canvas, key: cacheKey(pageNumber, cssWidth) });
    return canvas;
  }

  private remember(entry: Rendered): void {
    this.cache.push(entry);
    while (this.cache.length > CACHE_SIZE) this.spare.push(this.cache.shift()!.canvas);
  }

  private touch(entry: Rendered): void {
    this.cache.splice(this.cache.indexOf(entry), 1);
    this.cache.push(entry);
  }
}

function cacheKey(pageNumber: number, cssWidth: number): string {
  return `${pageNumber}@${Math.round(cssWidth)}`;
}
