#!/usr/bin/env node
// Spike delivery alone (issue 6): the propagate and defer_propagate/defer_flush kernels on a
// synthetic projection shaped like one shard of the full-scale microcircuit on 2 threads: rows of
// random targets (sorted, as fixed_total_number gives them) among `cells` ring cells, delays drawn
// from a rounded normal (mean 15, std 7.5 steps, 1..60), per-synapse float32 weights, 25 random
// spiking sources per step. Each step flushes (deferred) the slot read by the neuron update, then
// delivers. Modes, alternated and repeated (medians):
//   ring      propagate straight into rings of 60 slots × cells floats
//   deferred  defer_propagate into per-slot buckets, defer_flush of the due slot (time shown apart)
//   ring-compact, deferred-compact  the same with float16 weights (and 16-bit targets when
//             --cells is at most 65,536): what compact weights cost or save per event
//   floor     propagate with a single target cell: reads the rows like the others but adds into
//             L1, i.e. what reading 8 bytes of synapse per event costs on this machine
// `npm run bench -- --delivery-kernels` or `node bench/delivery.js [--cells 77000] [--row 1950] [--sources 2000] [--steps 1000] [--repeats 7]`
// (`--row 240 --sources 16000 --spikes 200`: the microcircuit's short rows, one per projection).
// Needs `npm run build`.
import os from 'node:os';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : dflt;
}

const { createBackend } = await import('../dist/index.js');
{
  const cells = arg('cells', 77000), rowLen = arg('row', 1950), nSrc = arg('sources', 2000);
  const steps = arg('steps', 1000), repeats = arg('repeats', 7), spk = arg('spikes', 25);
  const slots = 60;
  const cap = 2 * cells; // two entries per ring cell of a slot, as bucketCap (src/core/delivery.ts) gives for 512..2^19 cells
  const be = await createBackend('wasm');
  const K = be.kernels;
  let off = be.base;
  const alloc = (b) => { const p = off; off += Math.ceil(b / 64) * 64; return p; };
  const nSyn = nSrc * rowLen;
  const rowPtr = alloc((nSrc + 1) * 4), syn = alloc(nSyn * 4), synOne = alloc(nSyn * 4), w = alloc(nSyn * 4);
  // the compact forms (weight_precision float16, 16-bit targets where cells <= 65,536)
  const t16 = cells <= 0x10000, syn16 = alloc(nSyn * 2), w16 = alloc(nSyn * 2);
  // delays by run (src/sim/synapse-layout.ts): rows ordered by delay, one byte per run, `step << 5 |
  // count` from the least delay (BASE, passed as constDelay); steps over 7 take runs of no synapses,
  // counts over 31 continue in step-0 runs
  const BASE = 1, runPtr = alloc((nSrc + 1) * 4), runs = alloc(Math.min(nSyn, nSrc * slots) + Math.floor(nSyn / 31) + nSrc * Math.floor((slots - 1) / 7));
  const ring = alloc(slots * cells * 4);
  const buckets = alloc(slots * cap * 8), fill = alloc(slots * 4);
  const spikes = alloc(spk * 4);
  be.reserve(off - be.base);
  const u32 = new Uint32Array(be.buffer), f32 = new Float32Array(be.buffer);
  let x = 12345;
  const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  for (let i = 0; i <= nSrc; i++) u32[rowPtr / 4 + i] = i * rowLen;
  const row = new Uint32Array(rowLen);
  const u16 = new Uint16Array(be.buffer), u8 = new Uint8Array(be.buffer);
  let nRuns = 0;
  const put = (prev, d, count) => {
    let gap = d - prev;
    for (; gap > 7; gap -= 7) u8[runs + nRuns++] = 7 << 5;
    let c = Math.min(count, 31);
    u8[runs + nRuns++] = (gap << 5) | c;
    for (let left = count - c; left > 0; left -= c) u8[runs + nRuns++] = c = Math.min(left, 31);
  };
  for (let i = 0; i < nSrc; i++) {
    for (let k = 0; k < rowLen; k++) {
      let g = 0;
      for (let j = 0; j < 4; j++) g += rnd() / 2 ** 32;
      g = (g - 2) * Math.sqrt(3); // approximately standard normal
      const d = Math.max(BASE, Math.min(slots, Math.round(15 + 7.5 * g)));
      row[k] = (rnd() % cells) | (d << 24);
    }
    row.sort((p, q) => p - q); // by delay, then target
    let prev = BASE;
    for (let k = 0; k < rowLen; ) {
      const d = row[k] >>> 24;
      let e = k;
      for (; e < rowLen && row[e] >>> 24 === d; e++) {
        u32[syn / 4 + i * rowLen + e] = row[e] & 0xffffff;
        u32[synOne / 4 + i * rowLen + e] = 0; // target 0, same delays
      }
      put(prev, d, e - k);
      prev = d;
      k = e;
    }
    u32[runPtr / 4 + i + 1] = nRuns;
  }
  for (let k = 0; k < nSyn; k++) {
    f32[w / 4 + k] = 80 + (rnd() % 1000) / 100;
    u16[syn16 / 2 + k] = u32[syn / 4 + k] & 0xffff;
    u16[w16 / 2 + k] = 0x5400 | Math.round((f32[w / 4 + k] / 64 - 1) * 1024); // float16 bits of w in [64, 128)
  }

  function run(mode) {
    let ev = 0, flushMs = 0;
    const t0 = performance.now();
    for (let t = 0; t < steps; t++) {
      const slot = t % slots;
      if (mode.startsWith('deferred')) {
        const tf = performance.now();
        K.defer_flush(slot, slots, buckets, cap, fill);
        flushMs += performance.now() - tf;
      }
      for (let s = 0; s < spk; s++) u32[spikes / 4 + s] = rnd() % nSrc;
      // compact: 16-bit targets (format bit 0, if the cells allow) and float16 weights (bit 1)
      const c = mode.endsWith('-compact'), fmt = c ? (t16 ? 1 : 0) | 2 : 0, sy = c ? (t16 ? syn16 : syn) : syn, wt = c ? w16 : w;
      if (mode.startsWith('deferred')) ev += K.defer_propagate(spk, spikes, rowPtr, sy, wt, 0, fmt, runPtr, runs, BASE, ring, cells, slots, slot, buckets, cap, fill);
      else if (mode.startsWith('ring')) ev += K.propagate(spk, spikes, rowPtr, sy, wt, 0, fmt, runPtr, runs, BASE, ring, cells, slots, slot);
      else ev += K.propagate(spk, spikes, rowPtr, synOne, w, 0, 0, runPtr, runs, BASE, ring, 1, slots, slot);
      new Float32Array(be.buffer, ring + slot * cells * 4, mode === 'floor' ? 1 : cells).fill(0); // the update reads and clears the slot
    }
    return { total: ((performance.now() - t0) * 1e6) / ev, flush: (flushMs * 1e6) / ev };
  }
  const modes = ['ring', 'ring-compact', 'deferred', 'deferred-compact', 'floor'];
  const res = Object.fromEntries(modes.map((m) => [m, []]));
  run('ring'); run('deferred'); run('ring-compact'); run('deferred-compact'); // warm-up (tier-up, page faults of the buckets)
  for (let r = 0; r < repeats; r++) for (const m of modes) res[m].push(run(m));
  const med = (a) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };
  console.log(`axonal delivery bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${new Date().toISOString()}`);
  console.log(`${cells} cells × ${slots} slots (${((slots * cells * 4) / 2 ** 20).toFixed(1)} MiB of ring), ${nSrc} rows of ${rowLen} synapses ` +
    `(${((nSyn * 8) / 2 ** 20).toFixed(0)} MiB), ${spk} spikes per step, ${steps} steps, median of ${repeats}; ns per synaptic event:`);
  console.log('| mode | total | of which flush |');
  console.log('|---|---|---|');
  for (const m of modes) {
    const t = med(res[m].map((x) => x.total)), f = med(res[m].map((x) => x.flush));
    console.log(`| ${m} | ${t.toFixed(2)} | ${m.startsWith('deferred') ? f.toFixed(2) : '-'} |`);
  }
  be.dispose();
}
