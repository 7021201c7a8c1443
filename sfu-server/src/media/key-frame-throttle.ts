/**
 * Receivers' key frame requests for one stream, passed on at most once per `intervalMs`: a request
 * inside the interval is not dropped but held until the interval ends, and the requests held
 * together go out as one. Dropping it (as the main-screen feed once did) left a receiver that
 * joined just after another with no picture until mediasoup asked again a second later
 * (bench/janus-compare.ts --sfu-trace: 1,000 ms of a join lost that way).
 */
export class KeyFrameThrottle {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private held: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  request(): void {
    if (this.held) return;
    const wait = this.lastSentAt + this.intervalMs - this.now();
    if (wait <= 0) return this.sendNow();
    this.held = setTimeout(() => {
      this.held = null;
      this.sendNow();
    }, wait);
    this.held.unref?.();
  }

  /** Forgets a held request (the stream is closing). */
  cancel(): void {
    if (this.held) clearTimeout(this.held);
    this.held = null;
  }

  private sendNow(): void {
    this.lastSentAt = this.now();
    this.send();
  }
}
