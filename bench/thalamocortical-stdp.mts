// The thalamocortical network (current synapses) with and without its optional STDP over model
// minutes (docs/thalamocortical.md, "STDP over model minutes"): every 10 s of model time, each layer's
// rate, spectral peak and its alpha, gamma and delta peaks over the floor (axonal analyze's report),
// and the mean weight of L23E -> L23E and its share at w_max.
// `npx tsx bench/thalamocortical-stdp.mts stdp|none [minutes] [neurons]` (default 0.1 min, 10,000).
import { thalamocorticalModel, stdpRule } from '../src/models/thalamocortical.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { validateModel } from '../src/network/index.ts';
import { SheetActivity } from '../src/analysis/sheet.ts';
import { sheetReport, sheetPopulations } from '../src/analysis/sheet-report.ts';
const stdp = process.argv[2] === 'stdp';
const minutes = Number(process.argv[3] ?? 0.1);
const n = Number(process.argv[4] ?? 10000);
const spec = thalamocorticalModel({ neurons: n, seed: 1, synapses: 'current', stdp, durationMs: 1000, recordFraction: 0 });
spec.monitors = spec.populations.map((p) => ({ type: 'spikes', population: p.name }));
const issues = validateModel(spec);
if (issues.length) { console.log(issues.slice(0, 3)); process.exit(1); }
const t0 = performance.now();
const sim = await Simulation.create(spec, { threads: 2 });
const plastic = spec.projections!.filter((q) => q.plasticity).map((q) => q.name);
console.log(`stdp ${stdp}: ${plastic.length} plastic projections, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const total = minutes * 60000, chunk = 10000;
for (let t = 0; t < total; t += chunk) {
  const r = await sim.run(chunk);
  const act = new SheetActivity(sheetPopulations(spec), { t0: t === 0 ? 500 : t, t1: t + chunk, binMs: 1 });
  spec.populations.forEach((p, k) => { const d = sim.spikes(p.name); act.add(k, d.i, Array.from(d.steps, (s) => s * sim.dt)); });
  const rep = sheetReport(act);
  let wtxt = '';
  if (plastic.length) {
    const w = (await sim.getWeights(plastic[0])).weights;
    let m = 0, hi = 0; for (const x of w) { m += x; if (x > 0.99 * stdpRule().w_max) hi++; }
    wtxt = ` | ${plastic[0]} mean w ${(m / w.length).toFixed(4)}, at w_max ${(100 * hi / w.length).toFixed(1)} %`;
  }
  console.log(`${(t + chunk) / 1000} s (${r.seconds.toFixed(1)} s): ` + rep.layers.map((l) => `${l.layer} ${l.rate_hz.toFixed(2)} Hz pk ${l.peak_hz.toFixed(1)} a ${l.band_peaks.alpha.rel_floor.toFixed(1)}x g ${l.band_peaks.gamma.rel_floor.toFixed(1)}x d ${l.band_peaks.delta.rel_floor.toFixed(1)}x`).join('; ') + wtxt);
}
sim.dispose();
