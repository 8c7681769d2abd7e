/**
 * The snapshot file format (docs/snapshots.md): one binary file that does not depend on the backend
 * or the thread count.
 *
 *   bytes 0..7    magic "AXSNAPSH"
 *   bytes 8..11   u32 format version (little-endian, as everything below)
 *   bytes 12..15  u32 byte length H of the header
 *   bytes 16..23  f64 byte length D of the data (sections)
 *   bytes 24..    the header: UTF-8 JSON (what the file holds: the model, seed, step, the section
 *                 table), padded with spaces to a multiple of 8
 *   then          D bytes of sections, each at an 8-aligned offset listed in the header
 *   last 8 bytes  u32 CRC-32 (IEEE) of every byte before it, then "AXEN"
 *
 * A file that is shorter or longer than 24 + H + D + 8 bytes is refused as truncated, one whose
 * checksum differs as corrupted, one without the magic as foreign, and one of a later version as
 * written by a newer axonal: each with a SnapshotError before anything is allocated for a run.
 */
import { importExternal } from '../core/import.ts';

export const SNAPSHOT_MAGIC = 'AXSNAPSH';
export const SNAPSHOT_END = 'AXEN';
export const SNAPSHOT_VERSION = 1;
const PREFIX = 24;
const TRAILER = 8;

/** A snapshot that cannot be read or used: the file, what is wrong, and what was expected. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export type SectionType = 'u8' | 'i32' | 'u32' | 'f32' | 'f64';
type Typed = Uint8Array | Int32Array | Uint32Array | Float32Array | Float64Array;
const SIZE: Record<SectionType, number> = { u8: 1, i32: 4, u32: 4, f32: 4, f64: 8 };
const CTOR = { u8: Uint8Array, i32: Int32Array, u32: Uint32Array, f32: Float32Array, f64: Float64Array } as const;

export function sectionTypeOf(a: Typed): SectionType {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  throw new Error('internal error: not a snapshot section type');
}

export interface SectionEntry {
  name: string;
  type: SectionType;
  /** elements */
  length: number;
  /** byte offset in the data */
  offset: number;
}

/** What a snapshot's header says (the JSON after the prefix). */
export interface SnapshotHeader {
  format: 'axonal snapshot';
  version: number;
  /** the axonal version that wrote it */
  axonal: string;
  created: string;
  /** the model as validated (typed arrays in it are sections, { "$section": name }) */
  model: unknown;
  seed: number;
  dt: number;
  /** steps run before the snapshot */
  step: number;
  /** how the run that wrote it ran (for `axonal info`; a restore may use anything else) */
  saved: { backend: string; threads: number; variant: string; delivery: string };
  neurons: number;
  synapses: number;
  /** the simulation's counts: spikes per population and synaptic events so far */
  spikeTotals: number[];
  events: number;
  /** the parts of the state, by name (src/sim/snapshot.ts) */
  state: Record<string, unknown>;
  /** what the program that took the snapshot keeps to resume (the command line: its outputs), or absent */
  app?: unknown;
  sections: SectionEntry[];
  dataBytes: number;
}

// ---- CRC-32 (IEEE 802.3), zlib's in Node, a table here elsewhere: the same numbers ----

let TABLE: Uint32Array | null = null;
function crcTable(): Uint32Array {
  if (TABLE) return TABLE;
  TABLE = new Uint32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    TABLE[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) for (let t = 1; t < 4; t++) TABLE[t * 256 + n] = (TABLE[TABLE[(t - 1) * 256 + n] & 0xff] ^ (TABLE[(t - 1) * 256 + n] >>> 8)) >>> 0;
  return TABLE;
}

/** CRC-32 of `data` continuing from `crc` (0 to start), in JavaScript (slicing by 4). */
export function crc32js(data: Uint8Array, crc = 0): number {
  const T = crcTable();
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  for (; i + 4 <= n; i += 4) {
    c ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    c = T[768 + (c & 0xff)] ^ T[512 + ((c >>> 8) & 0xff)] ^ T[256 + ((c >>> 16) & 0xff)] ^ T[c >>> 24];
  }
  for (; i < n; i++) c = T[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

type CrcFn = (data: Uint8Array, crc: number) => number;
let nodeCrc: CrcFn | null | undefined;
/** zlib.crc32 where Node has it (20.15+), else the JavaScript one. */
export async function crcFunction(): Promise<CrcFn> {
  if (nodeCrc === undefined) {
    nodeCrc = null;
    if (typeof process !== 'undefined' && (process as any).versions?.node) {
      try {
        const z = await importExternal('node:zlib');
        if (typeof z.crc32 === 'function') nodeCrc = (d: Uint8Array, c: number) => z.crc32(d, c) >>> 0;
      } catch {
        nodeCrc = null;
      }
    }
  }
  return nodeCrc ?? crc32js;
}

// ---- writing ----

/** A section to write: its pieces are written one after the other (e.g. one per shard). */
export interface SectionData {
  name: string;
  type: SectionType;
  pieces: Typed[];
}

function bytesOf(a: Typed): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * Lay out a snapshot: the header with its section table, and the sequence of byte chunks that
 * make up the whole file (prefix, header, sections with their padding, trailer), written by `emit`
 * in order; the checksum is computed on the way.
 */
export async function writeSnapshot(
  header: Omit<SnapshotHeader, 'sections' | 'dataBytes' | 'format' | 'version'>, sections: SectionData[],
  emit: (chunk: Uint8Array) => void | Promise<void>,
): Promise<number> {
  const table: SectionEntry[] = [];
  let off = 0;
  const seen = new Set<string>();
  for (const s of sections) {
    if (seen.has(s.name)) throw new Error(`internal error: snapshot section "${s.name}" twice`);
    seen.add(s.name);
    let length = 0;
    for (const p of s.pieces) {
      if (sectionTypeOf(p) !== s.type) throw new Error(`internal error: snapshot section "${s.name}" mixes types`);
      length += p.length;
    }
    table.push({ name: s.name, type: s.type, length, offset: off });
    off = align8(off + length * SIZE[s.type]);
  }
  const full: SnapshotHeader = { format: 'axonal snapshot', version: SNAPSHOT_VERSION, ...header, sections: table, dataBytes: off };
  let json = new TextEncoder().encode(JSON.stringify(full));
  const padded = new Uint8Array(align8(json.length)).fill(0x20);
  padded.set(json);
  json = padded;
  const prefix = new Uint8Array(PREFIX);
  const dv = new DataView(prefix.buffer);
  for (let i = 0; i < 8; i++) prefix[i] = SNAPSHOT_MAGIC.charCodeAt(i);
  dv.setUint32(8, SNAPSHOT_VERSION, true);
  dv.setUint32(12, json.length, true);
  dv.setFloat64(16, off, true);
  const crcOf = await crcFunction();
  let crc = 0;
  let total = 0;
  const out = async (c: Uint8Array) => {
    if (c.length === 0) return;
    crc = crcOf(c, crc);
    total += c.length;
    await emit(c);
  };
  await out(prefix);
  await out(json);
  const zeros = new Uint8Array(8);
  for (let k = 0; k < sections.length; k++) {
    const s = sections[k];
    let bytes = 0;
    for (const p of s.pieces) {
      // large pieces in chunks of 64 MiB (the checksum and the file writes stay bounded)
      const b = bytesOf(p);
      for (let o = 0; o < b.length; o += 1 << 26) await out(b.subarray(o, Math.min(b.length, o + (1 << 26))));
      bytes += b.length;
    }
    const pad = align8(bytes) - bytes;
    if (pad) await out(zeros.subarray(0, pad));
  }
  const trailer = new Uint8Array(TRAILER);
  new DataView(trailer.buffer).setUint32(0, crc, true);
  for (let i = 0; i < 4; i++) trailer[4 + i] = SNAPSHOT_END.charCodeAt(i);
  await emit(trailer);
  return total + TRAILER;
}

// ---- reading ----

/** A checked snapshot: its header and typed views of its sections (over the bytes given). */
export class SnapshotReader {
  private readonly byName: Map<string, SectionEntry>;
  constructor(
    readonly header: SnapshotHeader,
    /** the sections' bytes (the data part of the file) */
    readonly data: Uint8Array,
  ) {
    this.byName = new Map(header.sections.map((s) => [s.name, s]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A section as a typed array (a view when aligned, else a copy). */
  get<T extends SectionType>(name: string, type: T): InstanceType<(typeof CTOR)[T]> {
    const s = this.byName.get(name);
    if (!s) throw new SnapshotError(`the snapshot has no section "${name}"`);
    if (s.type !== type) throw new SnapshotError(`the snapshot's section "${name}" holds ${s.type}, expected ${type}`);
    const C = CTOR[type] as any;
    const at = this.data.byteOffset + s.offset;
    if (at % SIZE[type] === 0) return new C(this.data.buffer, at, s.length);
    return new C(this.data.slice(s.offset, s.offset + s.length * SIZE[type]).buffer);
  }
}

/**
 * The prefix of a snapshot (its first bytes `first` of a file of `fileBytes`), checked for magic,
 * version and length (not the checksum).
 */
function readPrefix(first: Uint8Array, fileBytes: number, where: string): { version: number; headerBytes: number; dataBytes: number } {
  if (first.length < PREFIX || fileBytes < PREFIX + TRAILER) throw new SnapshotError(`${where}: not an axonal snapshot (${fileBytes} bytes, shorter than any snapshot)`);
  let magic = '';
  for (let i = 0; i < 8; i++) magic += String.fromCharCode(first[i]);
  if (magic !== SNAPSHOT_MAGIC) throw new SnapshotError(`${where}: not an axonal snapshot (it does not start with "${SNAPSHOT_MAGIC}")`);
  const dv = new DataView(first.buffer, first.byteOffset, PREFIX);
  const version = dv.getUint32(8, true);
  if (version > SNAPSHOT_VERSION || version < 1)
    throw new SnapshotError(`${where}: snapshot format version ${version}; this axonal reads version ${SNAPSHOT_VERSION}${version > SNAPSHOT_VERSION ? ' (the file was written by a newer axonal)' : ''}`);
  const headerBytes = dv.getUint32(12, true);
  const dataBytes = dv.getFloat64(16, true);
  if (!Number.isSafeInteger(dataBytes) || dataBytes < 0) throw new SnapshotError(`${where}: corrupted snapshot (its data length reads ${dataBytes})`);
  const expected = PREFIX + headerBytes + dataBytes + TRAILER;
  if (fileBytes !== expected)
    throw new SnapshotError(
      `${where}: ${fileBytes < expected ? 'truncated' : 'corrupted'} snapshot: ${fileBytes} bytes, its header says ${expected}` +
        (fileBytes < expected ? ' (the write did not finish)' : ''),
    );
  return { version, headerBytes, dataBytes };
}

/**
 * Check a snapshot's bytes (magic, version, length, checksum) and read its header: throws a
 * SnapshotError naming `where` (a file name, or "snapshot") and what is wrong.
 */
export async function readSnapshot(bytes: Uint8Array, where = 'snapshot'): Promise<SnapshotReader> {
  const { headerBytes, dataBytes } = readPrefix(bytes, bytes.length, where);
  const body = bytes.length - TRAILER;
  const tv = new DataView(bytes.buffer, bytes.byteOffset + body, TRAILER);
  let end = '';
  for (let i = 0; i < 4; i++) end += String.fromCharCode(bytes[body + 4 + i]);
  if (end !== SNAPSHOT_END) throw new SnapshotError(`${where}: corrupted snapshot (its trailer is missing)`);
  const crcOf = await crcFunction();
  let crc = 0;
  for (let o = 0; o < body; o += 1 << 26) crc = crcOf(bytes.subarray(o, Math.min(body, o + (1 << 26))), crc);
  const stored = tv.getUint32(0, true);
  if (crc !== stored)
    throw new SnapshotError(`${where}: corrupted snapshot: its checksum is ${hex(stored)}, the bytes give ${hex(crc)}`);
  return new SnapshotReader(parseHeader(bytes.subarray(PREFIX, PREFIX + headerBytes), where, dataBytes), bytes.subarray(PREFIX + headerBytes, PREFIX + headerBytes + dataBytes));
}

/** The header of a snapshot file from its first bytes (for `axonal info` without reading the data). */
export function readSnapshotHeader(first: Uint8Array, fileBytes: number, where: string): SnapshotHeader {
  const { headerBytes, dataBytes } = readPrefix(first, fileBytes, where);
  if (first.length < PREFIX + headerBytes) throw new Error('internal error: pass the whole header');
  return parseHeader(first.subarray(PREFIX, PREFIX + headerBytes), where, dataBytes);
}

/** Bytes of the prefix and header of a snapshot whose first 24 bytes are `prefix`. */
export function snapshotHeaderBytes(prefix: Uint8Array): number {
  if (prefix.length < PREFIX) return PREFIX;
  return PREFIX + new DataView(prefix.buffer, prefix.byteOffset, PREFIX).getUint32(12, true);
}

function parseHeader(json: Uint8Array, where: string, dataBytes: number): SnapshotHeader {
  let h: SnapshotHeader;
  try {
    h = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    throw new SnapshotError(`${where}: corrupted snapshot: its header is not JSON (${(e as Error).message})`);
  }
  if (!h || h.format !== 'axonal snapshot' || !Array.isArray(h.sections) || typeof h.step !== 'number')
    throw new SnapshotError(`${where}: corrupted snapshot: its header lacks format, step or sections`);
  for (const s of h.sections)
    if (!(s && typeof s.name === 'string' && s.type in SIZE && Number.isSafeInteger(s.length) && Number.isSafeInteger(s.offset) && s.offset + s.length * SIZE[s.type as SectionType] <= dataBytes))
      throw new SnapshotError(`${where}: corrupted snapshot: section ${JSON.stringify(s?.name)} lies outside the data`);
  return h;
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

// ---- the model: JSON with its typed arrays as sections ----

/** The model as JSON, each typed array in it replaced by { "$section": name, "$type": t } and listed in `out`. */
export function modelToJson(model: unknown, out: SectionData[]): unknown {
  let n = 0;
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const a = v as unknown as Typed;
      let type: SectionType;
      try {
        type = sectionTypeOf(a);
      } catch {
        return Array.from(v as unknown as ArrayLike<number>);
      }
      const name = `model/${n++}`;
      out.push({ name, type, pieces: [a] });
      return { $section: name, $type: type };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = walk(x);
      return o;
    }
    return v;
  };
  return walk(model);
}

/** The model of a snapshot, with its typed arrays (copies) back in place. */
export function modelFromJson(json: unknown, snap: SnapshotReader): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$section === 'string' && typeof o.$type === 'string') return snap.get(o.$section, o.$type as SectionType).slice();
      const r: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) r[k] = walk(x);
      return r;
    }
    return v;
  };
  return walk(json);
}
