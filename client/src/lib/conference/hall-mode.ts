import type { MeetingRole } from '@ehop/protocol';

const STORAGE_KEY = 'ehop.hallMode';

/**
 * Hall mode (only the main screen, full size) as this browser last chose it; an endpoint — a TV
 * in a commune hall — starts in it, everyone else does not.
 */
export function hallModePreference(storage: Pick<Storage, 'getItem'> | undefined, role: MeetingRole | null): boolean {
  try {
    const saved = storage?.getItem(STORAGE_KEY);
    if (saved === 'on') return true;
    if (saved === 'off') return false;
  } catch {
    // Storage disabled by policy: fall back to the role's default.
  }
  return role === 'endpoint';
}

export function rememberHallMode(storage: Pick<Storage, 'setItem'> | undefined, on: boolean): void {
  try {
    storage?.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // Not remembered; it still applies now.
  }
}
