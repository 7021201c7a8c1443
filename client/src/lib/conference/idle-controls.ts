/** What `IdleControls` needs of the clock (the page's timers; fake ones in tests). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How long the hall's controls stay on screen after the last sign of someone using the TV. */
export const HALL_CONTROLS_DELAY_MS = 4000;

/**
 * The controls of a hall TV: a TV is watched, not used, so they stay out of the picture until
 * someone moves the pointer or presses a key, and go again after a few quiet seconds. While
 * they are held (the pointer rests on them, or keyboard focus is in them) they stay.
 */
export class IdleControls {
  private visible = true;
  private held = false;
  private timer: unknown = null;

  constructor(
    private readonly delayMs: number,
    private readonly onChange: (visible: boolean) => void,
    private readonly timers: Timers = globalThis as unknown as Timers,
  ) {}

  /** Someone used the TV: show the controls and start counting again. */
  activity(): void {
    this.set(true);
    this.restart();
  }

  /** Held controls never hide; let go, they hide after the usual delay. */
  hold(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    if (held) this.set(true);
    this.restart();
  }

  stop(): void {
    this.clear();
  }

  private restart(): void {
    this.clear();
    if (this.held) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.set(false);
    }, this.delayMs);
  }

  private clear(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private set(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    this.onChange(visible);
  }
}
