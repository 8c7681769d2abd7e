/**
 * SONATA export (Node only): the network as built for a seed — the same synapses, weights and delays
 * — written as a SONATA point-neuron circuit that NEST's loader (`nest.SonataNetwork`, NEST >= 3.5)
 * reads, plus a run_nest.py for what SONATA or NEST's loader cannot express. docs/sonata.md.
 *
 * Layout of DIR:
 *   circuit_config.json, simulation_config.json
 *   network/<pop>_nodes.h5, network/<pop>_node_types.csv      one node population per axonal population
 *   network/<proj>_edges.h5, network/<proj>_edge_types.csv    one edge population per projection
 *   components/point_neuron_models/<pop>.json                 the cell's dynamics_params, NEST's names and units
 *   inputs/<pop>_spikes.h5                                     spikes of spike_generator populations (virtual nodes)
 *   run_nest.py                                                per-neuron values, devices, recording, run
 *
 * Synapses are generated projection by projection and chunk by chunk of targets in one backend arena
 * (buildShardProjection: a target's synapses do not depend on the chunk) and appended to chunked,
 * resizable HDF5 datasets, so an edge file is never whole in memory. Edges are written target-major,
 * each target's synapses by source then in generation order: the order of Simulation.getWeights.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../backend/index.ts';
import type { Backend } from '../backend/types.ts';
import type { AnyPopulationSpec, BuiltPopulation, ModelSpec, NetworkPlan, ProjectionPlan } from '../core/types.ts';
import { ModelError, planNetwork, resolveNeuronValues } from '../network/index.ts';
import { perNeuron } from '../network/values.ts';
import { IZHIKEVICH_PARAM_NAMES, LIF_PARAM_NAMES, paramStream } from '../network/streams.ts';
import { LIF_DEFAULTS } from '../neurons/lif/model.ts';
import { IZHIKEVICH_DEFAULTS } from '../neurons/izhikevich/model.ts';
import { buildShardProjection } from '../sim/connectivity.ts';
import { ArenaAllocator } from '../sim/arena.ts';
import { delaysOf, targetsOf, weightsOf } from '../sim/synapse-layout.ts';
import { equationModelOf, mergedParameters, quantityValue } from '../equations/population.ts';
import type { Simulation } from '../sim/simulation.ts';
import { runNestScript } from './sonata-nest.ts';
import { importExternal } from '../core/import.ts';

export interface SonataExportOptions {
  /** overrides the model's seed (the network built for that seed is exported) */
  seed?: number;
  /** with a Simulation: the model it was created from (its cells' parameters are not kept in the plan) */
  model?: ModelSpec;
  /** synapses generated per chunk (default 2^22) */
  chunkSynapses?: number;
}

export interface SonataExportResult {
  dir: string;
  /** node populations and their sizes */
  nodes: Record<string, number>;
  /** edge populations and their edge counts */
  edges: Record<string, number>;
  /** what was exported only approximately (also in run_nest.py and docs/sonata.md) */
  warnings: string[];
  files: string[];
}

/** A model (or a part of it) that SONATA and NEST cannot express: names the field and the reason. */
export class SonataExportError extends ModelError {}

type H5 = typeof import('h5wasm/node').default;
let h5p: Promise<H5> | null = null;
async function h5(): Promise<H5> {
  h5p ??= importExternal<typeof import('h5wasm/node')>('h5wasm/node').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5p;
}

/** A cell as NEST sees it: its model, population-wide params, per-node values, weight factor. */
export interface NestCell {
  template: string;
  /** values the same for every neuron (NEST names and units) */
  params: Record<string, number | boolean>;
  /** per-neuron values (NEST names and units): parameters that differ, and the initial state */
  perNode: Record<string, Float64Array>;
  /**
   * per input channel of the axonal population: NEST weight = axonal weight × factor; sign: NEST's
   * receptor is the sign of the weight (iaf_psc_exp, iaf_cond_exp), so every NEST weight × sign must
   * be >= 0 (0: one receptor, no condition)
   */
  channels: { factor: number; sign: number }[];
  /** unit of the NEST weight */
  weightUnit: string;
  /** current-input factor: NEST pA per axonal input unit, for dc/noise generators */
  currentFactor: number;
  /** what NEST cannot take as axonal has it (the export goes on; the warning names it) */
  warnings?: string[];
}

const LIF_NEST: Record<string, [string, number]> = {
  tau_m: ['tau_m', 1], cm: ['C_m', 1000], v_rest: ['E_L', 1], v_thresh: ['V_th', 1], v_reset: ['V_reset', 1],
  tau_refrac: ['t_ref', 1], tau_syn_e: ['tau_syn_ex', 1], tau_syn_i: ['tau_syn_in', 1], i_offset: ['I_e', 1000],
};
const IZH_NEST: Record<string, [string, number]> = { a: ['a', 1], b: ['b', 1], c: ['c', 1], d: ['d', 1], v_peak: ['V_th', 1], i_offset: ['I_e', 1] };

function refuse(path: string, message: string): never {
  throw new SonataExportError([{ path, message }]);
}

/** Per-neuron parameter values of a lif or izhikevich population as the builder draws them. */
function paramValues(ps: AnyPopulationSpec, k: number, seed: number, names: readonly string[], defaults: Record<string, number>): Record<string, number | Float64Array> {
  const n = ps.size;
  const path = `populations[${k}]`;
  const { params } = resolveNeuronValues(ps as never, k, seed, n, path);
  const out: Record<string, number | Float64Array> = {};
  names.forEach((name, j) => (out[name] = perNeuron(params[name], defaults[name], seed, paramStream(k, j), n, `${path}.params.${name}`)));
  return out;
}

function setValue(cell: NestCell, name: string, v: number | Float64Array, f: number) {
  if (typeof v === 'number') cell.params[name] = v * f;
  else {
    let same = true;
    for (let i = 1; i < v.length && same; i++) if (v[i] !== v[0]) same = false;
    if (same) cell.params[name] = v[0] * f;
    else cell.perNode[name] = f === 1 ? v : v.map((x) => x * f);
  }
}

function initialValue(cell: NestCell, name: string, x: Float32Array | Int32Array | undefined, f: number) {
  if (x) setValue(cell, name, Float64Array.from(x), f);
}

/** The NEST cell of a population (throws SonataExportError for what NEST's loader cannot build). */
export function nestCell(spec: ModelSpec, pop: BuiltPopulation, seed: number): NestCell | null {
  const k = pop.index;
  const ps = spec.populations[k] as AnyPopulationSpec;
  const path = `populations[${k}]`;
  const dt = spec.dt;
  switch (pop.model) {
    case 'spike_generator':
      return null;
    case 'lif': {
      const delta = pop.synapse === 'delta';
      const cell: NestCell = {
        template: delta ? 'nest:iaf_psc_delta' : 'nest:iaf_psc_exp', params: {}, perNode: {},
        channels: delta ? [{ factor: 1, sign: 0 }] : [{ factor: 1000, sign: 1 }, { factor: 1000, sign: -1 }], weightUnit: delta ? 'mV' : 'pA', currentFactor: 1000,
      };
      const v = paramValues(ps, k, seed, LIF_PARAM_NAMES, LIF_DEFAULTS as unknown as Record<string, number>);
      for (const name of LIF_PARAM_NAMES) {
        if (delta && (name === 'tau_syn_e' || name === 'tau_syn_i')) continue;
        const [nest, f] = LIF_NEST[name];
        setValue(cell, nest, v[name], f);
      }
      // axonal discards input arriving in the refractory period (NEST's default)
      if (delta) cell.params.refractory_input = false;
      initialValue(cell, 'V_m', pop.initial.v, 1);
      // NEST's iaf_psc_exp takes only V_m as state (I_syn_ex and I_syn_in are read-only, always 0 at the
      // start): setting them is an UnaccessedDictionaryEntry error in every NEST 3.x
      if (!delta) {
        const nonzero = (['ie', 'ii'] as const).filter((x) => pop.initial[x]?.some((y) => y !== 0));
        if (nonzero.length)
          cell.warnings = [`${path}.initial (${nonzero.join(', ')}): NEST's iaf_psc_exp cannot set the initial synaptic currents (I_syn_ex, I_syn_in are read-only): they start at 0 in NEST`];
      }
      return cell;
    }
    case 'izhikevich': {
      if (pop.synapse === 'exp')
        refuse(`${path}.synapse`, 'NEST\'s izhikevich has no exponential synapses (spikes add to V_m): only synapse "delta" is exported');
      const scheme = (ps as { params?: { scheme?: string } }).params?.scheme ?? 'euler';
      if (scheme === 'izhikevich2003' && dt !== 1) refuse(`${path}.params.scheme`, 'izhikevich2003 needs dt = 1 ms');
      // axonal's delta input is a current for one step (v += dt·I); NEST adds the weight to V_m: w·dt mV
      const cell: NestCell = {
        template: 'nest:izhikevich', params: { consistent_integration: scheme === 'euler' }, perNode: {},
        channels: [{ factor: dt, sign: 0 }], weightUnit: 'mV', currentFactor: 1,
      };
      const v = paramValues(ps, k, seed, IZHIKEVICH_PARAM_NAMES, IZHIKEVICH_DEFAULTS as unknown as Record<string, number>);
      for (const name of Object.keys(IZH_NEST)) {
        const [nest, f] = IZH_NEST[name];
        setValue(cell, nest, v[name], f);
      }
      initialValue(cell, 'V_m', pop.initial.v, 1);
      initialValue(cell, 'U_m', pop.initial.u, 1);
      return cell;
    }
    case 'threshold':
      return refuse(`${path}.model`, 'NEST has no McCulloch–Pitts threshold unit that SONATA can name (its mcculloch_pitts_neuron is a binary neuron with a different update and no spikes)');
    case 'poisson':
      return refuse(`${path}.model`, "a Poisson population has no SONATA form NEST's loader builds (virtual nodes need spike files): use a Poisson input (`inputs`), which run_nest.py creates as a poisson_generator");
    case 'equations': {
      const found = equationModelOf(spec, ps as never, k);
      if (found?.cell?.name === 'IF_cond_exp' && pop.equations) return condExpCell(spec, ps, pop, seed);
      return refuse(`${path}.model`, found?.cell
        ? `the standard cell ${found.cell.name} is not exported to SONATA yet (IF_cond_exp is, as nest:iaf_cond_exp)`
        : `"${String(ps.model)}" is a model from equations: NEST has no model that SONATA can name for it (export a standard cell, lif or izhikevich)`);
    }
    default:
      return refuse(`${path}.model`, `"${ps.model as string}" (a model from equations or standard cell) is not exported to SONATA yet: lif, izhikevich and spike_generator populations are`);
  }
}

/** NEST's unit for a kernel unit: [NEST factor] (values in kernel units × factor). */
const NEST_UNIT: Record<string, number> = { mV: 1, ms: 1, nF: 1000, uS: 1000, 'µS': 1000, nA: 1000 };

/** A value of a unit conversion without its last bits of rounding noise (-65.00000000000001 mV -> -65). */
const clean = (x: number) => Number(x.toPrecision(12));

/** PyNN's IF_cond_exp (axonal's standard cell) as NEST's iaf_cond_exp. */
function condExpCell(spec: ModelSpec, ps: AnyPopulationSpec, pop: BuiltPopulation, seed: number): NestCell {
  const k = pop.index;
  const n = pop.size;
  const path = `populations[${k}]`;
  const compiled = pop.equations!.compiled;
  const found = equationModelOf(spec, ps as never, k)!;
  const { params } = resolveNeuronValues({ params: (ps as { parameters?: Record<string, unknown> }).parameters, random: ps.random }, k, seed, n, path, 'parameters');
  const merged = mergedParameters(found.def, { parameters: { ...(ps as { parameters?: object }).parameters, ...params } });
  const names = Object.keys(merged).sort();
  const value = (name: string): number | Float64Array => {
    const q = compiled.parameters.find((p) => p.name === name);
    if (!q) throw new Error(`internal error: IF_cond_exp has no parameter ${name}`);
    const f = NEST_UNIT[q.unit];
    if (f === undefined) refuse(`${path}.parameters.${name}`, `a parameter in ${q.unit}, which the export does not convert to NEST's units`);
    const v = merged[name];
    if (typeof v === 'string') {
      const issues: { path: string; message: string }[] = [];
      const x = quantityValue(v, q.dim, q.unit, `${path}.parameters.${name}`, issues as never);
      if (x === undefined) throw new SonataExportError(issues);
      return clean(x * f);
    }
    const x = perNeuron(v as never, 0, seed, paramStream(k, names.indexOf(name)), n, `${path}.parameters.${name}`);
    return typeof x === 'number' ? clean(x * q.factor * f) : x.map((y) => y * q.factor * f);
  };
  const cell: NestCell = {
    template: 'nest:iaf_cond_exp', params: {}, perNode: {},
    // conductances in uS -> nS; NEST's receptor is the sign of the weight: inhibitory weights negative
    channels: pop.equations!.inputs.map((variable) => {
      // a channel of an on_pre with several statements (channelKey "a;b") has no NEST receptor
      if (variable.includes(';')) refuse(`${path}`, `a projection's on_pre drives several variables (${variable.split(';').join(', ')}), which NEST's iaf_cond_exp has no receptor for`);
      return { factor: variable === 'gsyn_inh' ? -1000 : 1000, sign: variable === 'gsyn_inh' ? -1 : 1 };
    }),
    weightUnit: 'nS', currentFactor: 1000,
  };
  const map: [string, string][] = [['v_rest', 'E_L'], ['cm', 'C_m'], ['tau_refrac', 't_ref'], ['tau_syn_E', 'tau_syn_ex'], ['tau_syn_I', 'tau_syn_in'],
    ['e_rev_E', 'E_ex'], ['e_rev_I', 'E_in'], ['v_thresh', 'V_th'], ['v_reset', 'V_reset'], ['i_offset', 'I_e']];
  for (const [pynn, nest] of map) setValue(cell, nest, value(pynn), 1);
  // NEST has the leak conductance g_L = C_m / tau_m (pF / ms = nS) instead of tau_m
  const cm = value('cm'), tm = value('tau_m');
  setValue(cell, 'g_L', typeof cm === 'number' && typeof tm === 'number' ? clean(cm / tm) : Float64Array.from({ length: n }, (_, i) => (typeof cm === 'number' ? cm : cm[i]) / (typeof tm === 'number' ? tm : tm[i])), 1);
  initialValue(cell, 'V_m', pop.initial.v as Float32Array, 1);
  initialValue(cell, 'g_ex', pop.initial.gsyn_exc as Float32Array, 1000);
  initialValue(cell, 'g_in', pop.initial.gsyn_inh as Float32Array, 1000);
  return cell;
}

/** Checks of the whole model before any file is written; returns the warnings. */
function checkExportable(spec: ModelSpec, plan: NetworkPlan): string[] {
  const warnings: string[] = [];
  (spec.projections ?? []).forEach((p, i) => {
    const path = `projections[${i}]`;
    if (p.plasticity) refuse(`${path}.plasticity`, `plasticity is not exported (NEST's stdp_synapse differs from axonal's rules in its update order and bounds)`);
    if (p.pruning) refuse(`${path}.pruning`, 'NEST has no pruning of synapses during a run');
    if (p.short_term) refuse(`${path}.short_term`, "short-term plasticity is not exported yet (NEST's tsodyks2_synapse keeps its state per synapse, axonal per source)");
  });
  (spec.inputs ?? []).forEach((inp, i) => {
    if (inp.type === 'random_drive') refuse(`inputs[${i}]`, 'random_drive has no NEST device');
    if (inp.type === 'noise') {
      const tgt = plan.populations.find((p) => p.name === inp.target);
      warnings.push(
        `inputs[${i}] (noise into ${inp.target}): NEST's noise_generator injects a current held for one step (std scaled so that the step's ` +
          `change of the membrane matches${tgt?.synapse === 'exp' ? '; axonal adds the draw to the synaptic current, which then decays with tau_syn: NEST does not filter it' : ''})`,
      );
    }
  });
  return warnings;
}

const fileName = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * Export a model (or a Simulation's network, before it ran) as a SONATA circuit into `dir`.
 * Throws SonataExportError (a ModelError, naming the field) for what cannot be exported.
 */
export async function exportSonata(source: ModelSpec | Simulation, dir: string, opts: SonataExportOptions = {}): Promise<SonataExportResult> {
  let spec: ModelSpec;
  let plan: NetworkPlan;
  if ('populations' in source) {
    spec = source;
    plan = planNetwork(spec, { seed: opts.seed });
  } else {
    if (!opts.model) throw new Error('exportSonata(simulation): pass the model it was created from as the `model` option');
    if (source.step > 0) throw new Error('exportSonata(simulation): export before the first run (the exported weights are those built)');
    spec = opts.model;
    plan = source.network as NetworkPlan;
    if (opts.seed !== undefined && opts.seed !== plan.seed) throw new Error(`exportSonata: the simulation was built with seed ${plan.seed}, not ${opts.seed}`);
  }
  const seed = plan.seed;
  const warnings = checkExportable(spec, plan);
  const cells = plan.populations.map((p) => nestCell(spec, p, seed));
  for (const c of cells) if (c?.warnings) warnings.push(...c.warnings);
  const H = await h5();
  for (const d of ['network', 'components/point_neuron_models', 'components/synaptic_models', 'inputs', 'output']) mkdirSync(join(dir, d), { recursive: true });
  const files: string[] = [];
  const write = (rel: string, text: string) => {
    writeFileSync(join(dir, rel), text);
    files.push(rel);
  };

  // nodes: one file and one node types table per population (NEST: one model_type per table)
  const nodes: Record<string, number> = {};
  const nodesConf: { nodes_file: string; node_types_file: string }[] = [];
  const inputs: Record<string, { input_type: string; module: string; input_file: string; node_set: string }> = {};
  plan.populations.forEach((p, k) => {
    const cell = cells[k];
    const base = fileName(p.name);
    const typeId = 100 + k;
    const f = new H.File(join(dir, `network/${base}_nodes.h5`), 'w');
    try {
      const g = f.create_group('nodes').create_group(p.name);
      g.create_dataset({ name: 'node_type_id', data: new Int32Array(p.size).fill(typeId) });
      g.create_dataset({ name: 'node_id', data: BigUint64Array.from({ length: p.size }, (_, i) => BigInt(i)) });
      g.create_dataset({ name: 'node_group_id', data: new Int32Array(p.size) });
      g.create_dataset({ name: 'node_group_index', data: BigUint64Array.from({ length: p.size }, (_, i) => BigInt(i)) });
      const g0 = g.create_group('0');
      if (cell && Object.keys(cell.perNode).length) {
        const dp = g0.create_group('dynamics_params');
        for (const [name, v] of Object.entries(cell.perNode)) dp.create_dataset({ name, data: v });
      }
    } finally {
      f.close();
    }
    files.push(`network/${base}_nodes.h5`);
    if (cell) {
      write(`components/point_neuron_models/${base}.json`, JSON.stringify(cell.params, null, 2) + '\n');
      write(`network/${base}_node_types.csv`, `node_type_id model_type model_template dynamics_params pop_name\n${typeId} point_neuron ${cell.template} ${base}.json ${p.name}\n`);
    } else {
      write(`network/${base}_node_types.csv`, `node_type_id model_type pop_name\n${typeId} virtual ${p.name}\n`);
      const steps = p.generatorSteps ?? new Int32Array(0);
      const idx = p.generatorIndices ?? new Int32Array(0);
      const s = new H.File(join(dir, `inputs/${base}_spikes.h5`), 'w');
      try {
        const g = s.create_group('spikes').create_group(p.name);
        g.create_attribute('sorting', 'by_time');
        g.create_dataset({ name: 'timestamps', data: Float64Array.from(steps, (st) => st * plan.dt) }).create_attribute('units', 'ms');
        g.create_dataset({ name: 'node_ids', data: BigUint64Array.from(idx, (i) => BigInt(i)) });
      } finally {
        s.close();
      }
      files.push(`inputs/${base}_spikes.h5`);
      inputs[`${p.name}_spikes`] = { input_type: 'spikes', module: 'h5', input_file: `$INPUT_DIR/${base}_spikes.h5`, node_set: p.name };
    }
    nodes[p.name] = p.size;
    nodesConf.push({ nodes_file: `$NETWORK_DIR/${base}_nodes.h5`, node_types_file: `$NETWORK_DIR/${base}_node_types.csv` });
  });

  // edges: one file and one edge types table per projection
  const edges: Record<string, number> = {};
  const edgesConf: { edges_file: string; edge_types_file: string }[] = [];
  const be = await createBackend('wasm');
  try {
    for (const pr of plan.projections) {
      const base = fileName(pr.name);
      const typeId = 100 + pr.index;
      const tcell = cells[pr.target];
      if (!tcell) throw new Error(`internal error: projection "${pr.name}" onto a spike generator`);
      const n = await writeEdges(H, be, plan, pr, tcell, join(dir, `network/${base}_edges.h5`), typeId, opts.chunkSynapses ?? 1 << 22);
      files.push(`network/${base}_edges.h5`);
      write(`network/${base}_edge_types.csv`, `edge_type_id model_template\n${typeId} static_synapse\n`);
      edges[pr.name] = n;
      edgesConf.push({ edges_file: `$NETWORK_DIR/${base}_edges.h5`, edge_types_file: `$NETWORK_DIR/${base}_edge_types.csv` });
    }
  } finally {
    be.dispose();
  }

  const tstop = plan.steps * plan.dt;
  const circuit = {
    manifest: { $BASE_DIR: '.', $NETWORK_DIR: '$BASE_DIR/network', $COMPONENTS_DIR: '$BASE_DIR/components' },
    target_simulator: 'NEST',
    components: { point_neuron_models_dir: '$COMPONENTS_DIR/point_neuron_models', synaptic_models_dir: '$COMPONENTS_DIR/synaptic_models' },
    networks: { nodes: nodesConf, edges: edgesConf },
    axonal: { model: spec.name ?? 'model', seed, dt: plan.dt },
  };
  const simulation = {
    manifest: { $BASE_DIR: '.', $INPUT_DIR: '$BASE_DIR/inputs', $OUTPUT_DIR: '$BASE_DIR/output' },
    target_simulator: 'NEST',
    run: { tstop, dt: plan.dt },
    inputs,
    output: { output_dir: '$OUTPUT_DIR', spikes_file: 'spikes.h5', spikes_sort_order: 'time' },
    network: 'circuit_config.json',
  };
  write('circuit_config.json', JSON.stringify(circuit, null, 2) + '\n');
  write('simulation_config.json', JSON.stringify(simulation, null, 2) + '\n');
  // what SONATA does not express, for axonal's import (importSonata): the inputs and monitors as the model has them
  write('axonal.json', JSON.stringify({ inputs: spec.inputs, monitors: spec.monitors }) + '\n');
  write('run_nest.py', runNestScript(spec, plan, cells, warnings));
  return { dir, nodes, edges, warnings, files };
}

/**
 * Generate projection pr chunk by chunk of targets and append its edges to the file: target-major,
 * each target's synapses by source, multapses in generation order. Returns the number of edges.
 */
async function writeEdges(
  H: H5, be: Backend, plan: NetworkPlan, pr: ProjectionPlan, cell: NestCell, path: string, typeId: number, chunkSynapses: number,
): Promise<number> {
  const src = plan.populations[pr.source].name;
  const tgt = plan.populations[pr.target].name;
  const f = new H.File(path, 'w');
  try {
    const g = f.create_group('edges').create_group(pr.name);
    const chunk = [Math.min(1 << 18, Math.max(1024, pr.synapses))];
    const mk = (grp: typeof g, name: string, dtype: string) =>
      grp.create_dataset({ name, data: dtype === '<d' ? new Float64Array(0) : dtype === '<i' ? new Int32Array(0) : new BigUint64Array(0), shape: [0], maxshape: [null], chunks: chunk, dtype });
    const dSrc = mk(g, 'source_node_id', '<Q');
    dSrc.create_attribute('node_population', src);
    const dTgt = mk(g, 'target_node_id', '<Q');
    dTgt.create_attribute('node_population', tgt);
    const dType = mk(g, 'edge_type_id', '<i');
    const dGid = mk(g, 'edge_group_id', '<i');
    const dGix = mk(g, 'edge_group_index', '<Q');
    const g0 = g.create_group('0');
    const dW = mk(g0, 'syn_weight', '<d');
    const dD = mk(g0, 'delay', '<d');

    const perTarget = Math.max(1, pr.synapses / Math.max(1, pr.nTgt));
    const step = Math.max(1, Math.min(pr.nTgt, 1 << 24, Math.floor(chunkSynapses / perTarget)));
    const { factor: wf, sign } = cell.channels[pr.channel];
    let total = 0;
    for (let tb = 0; tb < pr.nTgt; tb += step) {
      const te = Math.min(pr.nTgt, tb + step);
      const r = buildShardProjection(be, new ArenaAllocator(be, be.base), plan, pr.index, tb, te);
      const m = r.nSyn;
      const buf = be.buffer;
      const rowPtr = new Uint32Array(buf, r.rowPtr, pr.nSrc + 1);
      const syn = targetsOf(buf, r);
      const delays = r.runPtr ? delaysOf(buf, r, pr.nSrc) : null;
      const w = weightsOf(buf, r);
      const cur = new Uint32Array(te - tb + 1);
      for (let k = 0; k < m; k++) cur[1 + syn[k]]++;
      for (let t = 0; t < te - tb; t++) cur[t + 1] += cur[t];
      const S = new BigUint64Array(m), T = new BigUint64Array(m), GI = new BigUint64Array(m);
      const W = new Float64Array(m), D = new Float64Array(m);
      for (let s = 0; s < pr.nSrc; s++) {
        for (let k = rowPtr[s]; k < rowPtr[s + 1]; k++) {
          const t = syn[k];
          const j = cur[t]++;
          const wk = w ? w[k] : r.constWeight;
          const x = wk * wf;
          if (x * sign < 0)
            refuse(`projections[${pr.index}].weight`, `a weight of ${wk} on the ${sign > 0 ? 'excitatory' : 'inhibitory'} channel of ${tgt}: NEST's ${cell.template.slice(5)} takes the receptor from the sign of the weight (excitatory >= 0, inhibitory < 0)`);
          S[j] = BigInt(s);
          T[j] = BigInt(t + tb);
          W[j] = x;
          D[j] = (delays ? delays[k] : r.constDelay) * plan.dt;
        }
      }
      for (let j = 0; j < m; j++) GI[j] = BigInt(total + j);
      if (m > 0) {
        const end = total + m;
        for (const [d, data] of [[dSrc, S], [dTgt, T], [dType, new Int32Array(m).fill(typeId)], [dGid, new Int32Array(m)], [dGix, GI], [dW, W], [dD, D]] as const) {
          d.resize([end]);
          d.write_slice([[total, end]], data);
        }
        total = end;
      }
    }
    return total;
  } finally {
    f.close();
  }
}

export { importSonata, SonataImportError, type SonataImportOptions } from './sonata-import.ts';
