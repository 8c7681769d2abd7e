/** Sizes for people: "1.15 GiB (1,234,567,890 bytes)" (binary units; the exact count grouped). */
export function sizeText(bytes: number): string {
  const units: [number, string][] = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  const exact = `${Math.round(bytes).toLocaleString('en-US')} bytes`;
  for (const [u, name] of units) if (bytes >= u) return `${(bytes / u).toFixed(2)} ${name} (${exact})`;
  return exact;
}

/** A count with thousands separators: 1,234,567. */
export const grouped = (n: number): string => Math.round(n).toLocaleString('en-US');
