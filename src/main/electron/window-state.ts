/** Where the window opens: its last size and place, when that is still on a screen. Pure, so it is unit-tested. */

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1040, height: 720 };
const MIN = { width: 720, height: 520 };

/**
 * The saved bounds when at least a usable part of the title bar lies on one of the displays'
 * work areas (a monitor may have been unplugged since); otherwise just the default size, centred
 * by the OS.
 */
export function restoreBounds(saved: Bounds | undefined, workAreas: readonly Bounds[]): Partial<Bounds> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const width = Math.max(MIN.width, saved.width);
  const height = Math.max(MIN.height, saved.height);
  const titleBar = { x: saved.x, y: saved.y, width, height: 32 };
  const visible = workAreas.some((area) => overlap(titleBar, area) >= Math.min(200, width) * 24);
  return visible ? { x: saved.x, y: saved.y, width, height } : { width, height };
}

function overlap(a: Bounds, b: Bounds): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
