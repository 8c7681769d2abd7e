/** Sizes for people: "1.15 GiB (1,234,567,890 bytes)" (binary units; the exact count grouped). */
export function sizeText(bytes: number): string {
  const units: [number, string][] = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  const exact = `${grouped(bytes)} bytes`;
  for (const [u, name] of units) if (bytes >= u) return `${(bytes / u).toFixed(2)} ${name} (${exact})`;
  return exact;
}

/**
 * A count rounded to a whole number, with thousands separators: 1,234,567 (what
 * `toLocaleString('en-US')` gives). Written out because the first toLocaleString of a process loads
 * ICU's number formatting, 10–15 ms of every command's start (the memory check formats its message).
 */
export function grouped(n: number): string {
  const r = Math.round(n);
  if (!Number.isFinite(r) || Math.abs(r) >= 1e21) return r.toLocaleString('en-US');
  const digits = String(Math.abs(r));
  let out = '';
  for (let k = digits.length; k > 0; k -= 3) out = (k > 3 ? ',' : '') + digits.slice(Math.max(0, k - 3), k) + out;
  return r < 0 ? `-${out}` : out;
}
