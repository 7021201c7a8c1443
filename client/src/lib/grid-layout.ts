/**
 * The smallest width a tile may shrink to, by how many tiles are shown: a handful fill the
 * screen, a 100-endpoint meeting becomes a dense wall that still fits a tablet.
 */
export function tileMinWidth(tileCount: number): number {
  if (tileCount <= 2) return 420;
  if (tileCount <= 6) return 300;
  if (tileCount <= 16) return 220;
  if (tileCount <= 42) return 170;
  return 130;
}
