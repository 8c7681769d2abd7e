/**
 * Distance between two columns of a sheet grid, um: the one formula of the connectivity kernels'
 * distance-dependent delays (assembly/connect.ts columnDistance, its AssemblyScript twin), the JS
 * mirror (src/backend/js/connect.ts) and the analysis helpers (src/network/sheet.ts).
 */

/**
 * spacing * sqrt(dx^2 + dy^2) between columns a and b of a cx x cy grid (column c at
 * (c % cx, floor(c / cx))), dx and dy in columns, the shorter way round each axis when `periodic`.
 */
export function gridDistance(a: number, b: number, cx: number, cy: number, spacing: number, periodic: boolean): number {
  const ax = a % cx;
  const ay = Math.floor(a / cx);
  const bx = b % cx;
  const by = Math.floor(b / cx);
  let dx = ax > bx ? ax - bx : bx - ax;
  let dy = ay > by ? ay - by : by - ay;
  if (periodic) {
    if (cx - dx < dx) dx = cx - dx;
    if (cy - dy < dy) dy = cy - dy;
  }
  return spacing * Math.sqrt(dx * dx + dy * dy);
}
