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

/** The room's header and control bar: the pointer resting on them holds them. */
const CONTROLS = '.room-header, .room-footer';

/**
 * Shows and hides a hall TV's controls as the page is used: a pointer move or press and a key
 * press count as use; the pointer on the controls or keyboard focus anywhere holds them (a clicked
 * button keeps focus too, but only keyboard focus is `:focus-visible`). Returns the way to stop.
 */
export function watchHallUse(onChange: (visible: boolean) => void, delayMs = HALL_CONTROLS_DELAY_MS): () => void {
  const idle = new IdleControls(delayMs, onChange);
  const listening = new AbortController();
  const options = { signal: listening.signal };
  let pointerOnControls = false;
  let keyboardFocus = false;
  const hold = () => idle.hold(pointerOnControls || keyboardFocus);
  const onPointer = (event: PointerEvent) => {
    pointerOnControls = event.target instanceof Element && event.target.closest(CONTROLS) !== null;
    hold();
    idle.activity();
  };
  const onPointerLeave = () => {
    pointerOnControls = false;
    hold();
  };
  const onFocus = () => {
    const focused = document.activeElement;
    keyboardFocus = focused !== null && focused !== document.body && focused.matches(':focus-visible');
    hold();
  };
  window.addEventListener('pointermove', onPointer, options);
  window.addEventListener('pointerdown', onPointer, options);
  document.documentElement.addEventListener('pointerleave', onPointerLeave, options);
  // Captured: the key shows the controls before Tab moves the focus onto one of them.
  window.addEventListener('keydown', () => idle.activity(), { ...options, capture: true });
  document.addEventListener('focusin', onFocus, options);
  document.addEventListener('focusout', onFocus, options);
  idle.activity();
  return () => {
    idle.stop();
    listening.abort();
  };
}
