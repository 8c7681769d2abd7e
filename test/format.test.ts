import { describe, expect, it } from 'vitest';
import { grouped, sizeText } from '../src/core/format.ts';

describe('grouped (thousands separators without ICU)', () => {
  it('gives what toLocaleString("en-US") gives for whole and fractional counts of every size and sign', () => {
    const xs = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 12345, 99999, 100000, 999999, 1e6, 1234567, 12345678901, 2 ** 53 - 1, 1e20, 4.4, 4.5, 999.5, -1, -999, -1000, -1234567.49, 1e21, 3e22];
    for (let k = 0; k < 2000; k++) xs.push(Math.floor(Math.random() * 10 ** (1 + (k % 16))) * (k % 3 === 0 ? -1 : 1));
    // (-0 shows as 0 here, where toLocaleString gives '-0')
    for (const x of xs) expect(grouped(x), String(x)).toBe((Math.round(x) || 0).toLocaleString('en-US'));
    expect(grouped(-0.2)).toBe('0');
  });
  it('keeps the other values as toLocaleString shows them', () => {
    for (const x of [NaN, Infinity, -Infinity]) expect(grouped(x)).toBe(x.toLocaleString('en-US'));
  });
  it('sizeText names the binary unit and the exact count', () => {
    expect(sizeText(1234567890)).toBe('1.15 GiB (1,234,567,890 bytes)');
    expect(sizeText(512)).toBe('512 bytes');
  });
});
