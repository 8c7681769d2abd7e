/**
 * SONATA import (Node only): a point-neuron circuit becomes a model (docs/sonata.md, "Import").
 *
 *   circuit_config.json (or simulation_config.json naming it in "network")
 *     node populations  -> one population each, of the same name: point neurons by model_template
 *                          (NEST's iaf_psc_exp, iaf_psc_delta, iaf_psc_alpha, iaf_cond_exp, izhikevich;
 *                          PyNN's IF_curr_exp, IF_curr_alpha, IF_cond_exp), values per node type or per node
 *                          in NEST's names and units (PyNN's for PyNN's names), NEST's defaults for what is
 *                          not given; virtual nodes -> a spike_generator driven by their spike file
 *     edge populations  -> explicit pairs with per-edge weights and delays, one projection per receptor
 *                          (NEST's receptor is the sign of the weight: a population with both signs becomes
 *                          <name>_exc and <name>_inh)
 *     run               -> dt, duration
 *   axonal.json (written by the export, optional): the model's inputs and monitors, which SONATA does
 *   not express (axonal's Poisson, noise and current inputs; spike, state and rate monitors).
 *
 * What it cannot run (a biophysical node, an unknown template, an edge attribute it does not know)
 * is a SonataImportError naming the file, the population and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ModelSpec } from '../core/types.ts';
import { ModelFileError } from './model-file.ts';
import type { Dataset, Group } from 'h5wasm/node';
import { importExternal } from '../core/import.ts';

/** A circuit axonal cannot import: the message names the file, the population and the field. */
export class SonataImportError extends ModelFileError {
  constructor(message: string) {
    super(message);
    this.name = 'SonataImportError';
  }
}

type Value = number | Float64Array;

/**
 * How a cell comes back: the population's fixed fields, where its values go ('params' for axonal's
 * builtin models, 'parameters' for standard cells), name maps [axonal name, SONATA value / axonal value],
 * the defaults of the template's program (NEST's, for a circuit that leaves values out) and the weights.
 */
interface Back {
  population: Record<string, unknown>;
  field: 'params' | 'parameters';
  params: Record<string, [string, number]>;
  initial: Record<string, [string, number]>;
  defaults: Record<string, number | boolean>;
  /** values accepted only as the given one (axonal has no other) */
  fixed?: Record<string, number | boolean>;
  /** a projection's fields for a weight sign (>= 0: 1, < 0: -1) and its weight: axonal weight = SONATA weight / factor */
  receptor(sign: number, dt: number): { fields: Record<string, unknown>; factor: number };
  /** values derived from others (iaf_cond_exp's tau_m = C_m / g_L) or from the template's flags */
  derive?(v: Record<string, Value>, out: { values: Record<string, unknown>; population: Record<string, unknown> }, dt: number, where: string): void;
}

const LIF_NEST: Record<string, [string, number]> = {
  tau_m: ['tau_m', 1], C_m: ['cm', 1000], E_L: ['v_rest', 1], V_th: ['v_thresh', 1], V_reset: ['v_reset', 1], t_ref: ['tau_refrac', 1], I_e: ['i_offset', 1000],
};
// NEST's defaults (models/<model>.cpp, NEST 3.x); V_m starts at -70 mV absolute whatever E_L is set to
const NEST_LIF_DEFAULTS = { tau_m: 10, C_m: 250, E_L: -70, V_th: -55, V_reset: -70, t_ref: 2, I_e: 0, V_m: -70 };
const byCurrentSign = (sign: number) => ({ fields: { receptor: sign < 0 ? 'inhibitory' : 'excitatory' }, factor: 1000 });
const noLowerBound = { V_min: -Infinity };

const PYNN_CURR: Record<string, [string, number]> = {
  tau_m: ['tau_m', 1], cm: ['cm', 1], v_rest: ['v_rest', 1], v_thresh: ['v_thresh', 1], v_reset: ['v_reset', 1], tau_refrac: ['tau_refrac', 1], i_offset: ['i_offset', 1],
};
// PyNN's defaults (pyNN/standardmodels/cells.py; IF_curr_alpha's tau_syn_* are 0.5 ms)
const PYNN_DEFAULTS = { tau_m: 20, cm: 1, v_rest: -65, v_thresh: -50, v_reset: -65, tau_refrac: 0.1, i_offset: 0, tau_syn_E: 5, tau_syn_I: 5, v: -65 };

const BACK: Record<string, Back> = {
  'nest:iaf_psc_exp': {
    population: { model: 'lif', synapse: 'exp' }, field: 'params',
    params: { ...LIF_NEST, tau_syn_ex: ['tau_syn_e', 1], tau_syn_in: ['tau_syn_i', 1] },
    initial: { V_m: ['v', 1], I_syn_ex: ['ie', 1000], I_syn_in: ['ii', 1000] },
    // NEST's iaf_psc_exp starts its synaptic currents at 0 (read-only state: the export leaves them out)
    defaults: { ...NEST_LIF_DEFAULTS, tau_syn_ex: 2, tau_syn_in: 2, I_syn_ex: 0, I_syn_in: 0 },
    fixed: { delta: 0 },
    receptor: byCurrentSign,
  },
  'nest:iaf_psc_delta': {
    population: { model: 'lif', synapse: 'delta' }, field: 'params',
    params: LIF_NEST, initial: { V_m: ['v', 1] }, defaults: NEST_LIF_DEFAULTS,
    // axonal discards input arriving in the refractory period (NEST's default)
    fixed: { refractory_input: false, ...noLowerBound },
    receptor: () => ({ fields: {}, factor: 1 }),
  },
  'nest:iaf_psc_alpha': {
    population: { model: 'IF_curr_alpha' }, field: 'parameters',
    params: { ...LIF_NEST, tau_syn_ex: ['tau_syn_E', 1], tau_syn_in: ['tau_syn_I', 1] },
    initial: { V_m: ['v', 1] },
    // NEST's iaf_psc_exp starts its synaptic currents at 0 (read-only state: the export leaves them out)
    defaults: { ...NEST_LIF_DEFAULTS, tau_syn_ex: 2, tau_syn_in: 2, I_syn_ex: 0, I_syn_in: 0 },
    fixed: noLowerBound,
    // isyn_inh is added to the membrane current: inhibitory weights stay negative
    receptor: (sign) => ({ fields: { on_pre: sign < 0 ? 'ysyn_inh += w' : 'ysyn_exc += w' }, factor: 1000 }),
  },
  'nest:iaf_cond_exp': {
    population: { model: 'IF_cond_exp' }, field: 'parameters',
    params: {
      C_m: ['cm', 1000], E_L: ['v_rest', 1], V_th: ['v_thresh', 1], V_reset: ['v_reset', 1], t_ref: ['tau_refrac', 1], I_e: ['i_offset', 1000],
      tau_syn_ex: ['tau_syn_E', 1], tau_syn_in: ['tau_syn_I', 1], E_ex: ['e_rev_E', 1], E_in: ['e_rev_I', 1],
    },
    initial: { V_m: ['v', 1], g_ex: ['gsyn_exc', 1000], g_in: ['gsyn_inh', 1000] },
    defaults: { V_th: -55, V_reset: -60, t_ref: 2, g_L: 16.6667, C_m: 250, E_ex: 0, E_in: -85, E_L: -70, tau_syn_ex: 0.2, tau_syn_in: 2, I_e: 0, V_m: -70 },
    // NEST's receptor is the sign of the weight; axonal's conductance weights are positive
    receptor: (sign) => ({ fields: { on_pre: sign < 0 ? 'gsyn_inh += w' : 'gsyn_exc += w' }, factor: sign < 0 ? -1000 : 1000 }),
    derive(v, out) {
      // NEST has the leak conductance g_L (nS) where PyNN has tau_m = C_m / g_L (ms)
      const cm = v.C_m, gl = v.g_L;
      out.values.tau_m = typeof cm === 'number' && typeof gl === 'number' ? cm / gl : Float64Array.from({ length: ((typeof cm === 'number' ? gl : cm) as Float64Array).length }, (_, i) => at(cm, i) / at(gl, i));
    },
  },
  'nest:izhikevich': {
    population: { model: 'izhikevich', synapse: 'delta' }, field: 'params',
    params: { a: ['a', 1], b: ['b', 1], c: ['c', 1], d: ['d', 1], V_th: ['v_peak', 1], I_e: ['i_offset', 1] },
    initial: { V_m: ['v', 1], U_m: ['u', 1] },
    defaults: { a: 0.02, b: 0.2, c: -65, d: 8, I_e: 0, V_th: 30, V_m: -65, U_m: -13, consistent_integration: true },
    fixed: noLowerBound,
    // NEST adds the weight to V_m; axonal's delta input is a current for one step (v += dt·I)
    receptor: (_s, dt) => ({ fields: {}, factor: dt }),
    derive(v, out, dt, where) {
      const consistent = v.consistent_integration as unknown as boolean;
      if (!consistent && dt !== 1) throw new SonataImportError(`${where}: consistent_integration false (the scheme of Izhikevich 2003) needs dt = 1 ms, the run's dt is ${dt}`);
      out.values.scheme = consistent ? 'euler' : 'izhikevich2003';
    },
  },
  // PyNN's names and units (nF, nA, ms, mV), as PyNN's export_to_sonata writes them
  'IF_curr_exp': {
    population: { model: 'lif', synapse: 'exp' }, field: 'params',
    params: { ...PYNN_CURR, tau_syn_E: ['tau_syn_e', 1], tau_syn_I: ['tau_syn_i', 1] },
    initial: { v: ['v', 1], isyn_exc: ['ie', 1], isyn_inh: ['ii', 1] },
    defaults: { ...PYNN_DEFAULTS, isyn_exc: 0, isyn_inh: 0 },
    receptor: (sign) => ({ fields: { receptor: sign < 0 ? 'inhibitory' : 'excitatory' }, factor: 1 }),
  },
  'IF_curr_alpha': {
    population: { model: 'IF_curr_alpha' }, field: 'parameters',
    params: { ...PYNN_CURR, tau_syn_E: ['tau_syn_E', 1], tau_syn_I: ['tau_syn_I', 1] },
    initial: { v: ['v', 1] }, defaults: { ...PYNN_DEFAULTS, tau_syn_E: 0.5, tau_syn_I: 0.5 },
    receptor: (sign) => ({ fields: { on_pre: sign < 0 ? 'ysyn_inh += w' : 'ysyn_exc += w' }, factor: 1 }),
  },
  'IF_cond_exp': {
    population: { model: 'IF_cond_exp' }, field: 'parameters',
    params: { ...PYNN_CURR, tau_syn_E: ['tau_syn_E', 1], tau_syn_I: ['tau_syn_I', 1], e_rev_E: ['e_rev_E', 1], e_rev_I: ['e_rev_I', 1] },
    initial: { v: ['v', 1], gsyn_exc: ['gsyn_exc', 1], gsyn_inh: ['gsyn_inh', 1] },
    defaults: { ...PYNN_DEFAULTS, e_rev_E: 0, e_rev_I: -70, gsyn_exc: 0, gsyn_inh: 0 },
    receptor: (sign) => ({ fields: { on_pre: sign < 0 ? 'gsyn_inh += w' : 'gsyn_exc += w' }, factor: sign < 0 ? -1 : 1 }),
  },
};
BACK['nest:iaf_cond_exp'].params.g_L = ['', 1]; // consumed by derive
BACK['nest:izhikevich'].params.consistent_integration = ['', 1];

const at = (v: Value, i: number) => (typeof v === 'number' ? v : v[i]);

type H5 = typeof import('h5wasm/node').default;

/** Is this JSON file a SONATA config (circuit or simulation) rather than a model file? */
export function isSonataConfig(path: string): boolean {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8'));
    return !!j && typeof j === 'object' && !('populations' in j) && ('networks' in j || typeof j.network === 'string');
  } catch {
    return false;
  }
}

/** `$NAME` and `${configdir}` of a SONATA manifest substituted, relative paths resolved from the config's folder. */
function resolver(configPath: string, manifest: Record<string, string> = {}) {
  const dir = dirname(resolve(configPath));
  const sub = (s: string): string => {
    for (let k = 0; k < 8 && s.includes('$'); k++) {
      s = s.replace(/\$\{configdir\}/g, dir);
      // the longest names first ($COMPONENTS_DIR before $COMPONENT_DIR)
      for (const [name, v] of Object.entries(manifest).sort((a, b) => b[0].length - a[0].length)) s = s.split(name).join(v);
    }
    return s;
  };
  return (p: string) => {
    const s = sub(p);
    return isAbsolute(s) ? s : join(dir, s);
  };
}

/** A node or edge types table: columns separated by white space, a value with spaces in double quotes. */
function table(file: string): Record<string, string>[] {
  const rows = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (l.match(/"[^"]*"|\S+/g) ?? []).map((x) => x.replace(/^"(.*)"$/, '$1')));
  return rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
}

function readJson(file: string, what: string): Record<string, unknown> {
  if (!existsSync(file)) throw new SonataImportError(`${file}: not found (${what})`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SonataImportError(`${file}: not JSON (${(e as Error).message})`);
  }
}

/** Node types and template columns of a node types table that do not change a point neuron's dynamics. */
const NODE_COLUMNS = new Set(['node_type_id', 'model_type', 'model_template', 'dynamics_params', 'pop_name', 'model_name', 'ei', 'location', 'morphology', 'rotation_angle_xaxis', 'rotation_angle_yaxis', 'rotation_angle_zaxis', 'x', 'y', 'z']);

export interface SonataImportOptions {
  /** receives what was imported only approximately (spike times moved onto the grid, ...) */
  onWarning?: (message: string) => void;
}

/**
 * The model of a SONATA circuit: `circuit_config.json` (with `simulation_config.json` beside it for
 * dt, tstop and the spike inputs) or a `simulation_config.json` naming the circuit in "network".
 */
export async function importSonata(configPath: string, opts: SonataImportOptions = {}): Promise<ModelSpec> {
  const H = (await importExternal<typeof import('h5wasm/node')>('h5wasm/node')).default as H5;
  await H.ready;
  const warn = opts.onWarning ?? (() => {});
  const first = readJson(configPath, 'the SONATA config');
  let circuitPath = configPath, simPath: string | null = null;
  let conf = first, sim: Record<string, unknown> | null = null;
  if (!('networks' in first)) {
    if (typeof first.network !== 'string') throw new SonataImportError(`${configPath}: neither "networks" (a circuit config) nor "network" (a simulation config naming one)`);
    simPath = configPath;
    sim = first;
    circuitPath = resolver(configPath, first.manifest as Record<string, string>)(first.network);
    conf = readJson(circuitPath, `"network" of ${configPath}`);
  } else {
    const beside = join(dirname(configPath), 'simulation_config.json');
    if ('run' in first) [simPath, sim] = [configPath, first];
    else if (existsSync(beside)) [simPath, sim] = [beside, readJson(beside, 'the simulation config')];
  }
  const cpath = resolver(circuitPath, conf.manifest as Record<string, string>);
  const spath = simPath ? resolver(simPath, sim!.manifest as Record<string, string>) : cpath;
  const run = (sim?.run ?? {}) as { dt?: unknown; tstop?: unknown; duration?: unknown };
  const dt = typeof run.dt === 'number' && run.dt > 0 ? run.dt : fail(simPath ?? circuitPath, `run.dt: ${simPath ? 'missing or not a number > 0' : 'no simulation_config.json beside the circuit config gives run.dt'}`);
  const tstop = run.tstop ?? run.duration;
  const axonal = (conf.axonal ?? {}) as { seed?: number; model?: string };
  const model: ModelSpec = {
    name: axonal.model ?? basename(dirname(resolve(circuitPath))),
    dt, duration: typeof tstop === 'number' ? tstop : 1000, seed: axonal.seed ?? 1, populations: [], projections: [],
  };
  const networks = (conf.networks ?? {}) as { nodes?: { nodes_file: string; node_types_file: string }[]; edges?: { edges_file: string; edge_types_file: string; enabled?: boolean }[] };
  const components = (conf.components ?? {}) as Record<string, string>;
  const inputs = Object.values((sim?.inputs ?? {}) as Record<string, { input_type?: string; module?: string; input_file?: string; node_set?: string }>);
  const backOf: Record<string, Back | null> = {};
  const sizeOf: Record<string, number> = {};
  /** node_id -> index of a population whose node ids are not 0…N−1 (PyNN writes its global ids) */
  const indexOf: Record<string, Map<number, number> | null> = {};

  // nodes
  for (const [ni, nc] of (networks.nodes ?? []).entries()) {
    const nodesFile = cpath(nc.nodes_file ?? fail(circuitPath, `networks.nodes[${ni}].nodes_file is missing`));
    const typesFile = cpath(nc.node_types_file ?? fail(circuitPath, `networks.nodes[${ni}].node_types_file is missing`));
    if (!existsSync(typesFile)) fail(typesFile, `not found (networks.nodes[${ni}].node_types_file)`);
    const types = table(typesFile);
    if (!existsSync(nodesFile)) fail(nodesFile, `not found (networks.nodes[${ni}].nodes_file)`);
    const f = new H.File(nodesFile, 'r');
    try {
      const top = f.get('nodes') as Group | null;
      if (!top) fail(nodesFile, 'no /nodes group');
      for (const pop of top!.keys()) {
        const g = f.get(`nodes/${pop}`) as Group;
        const where = `${nodesFile}: population ${pop}`;
        const tds = g.get('node_type_id') as Dataset | null;
        if (!tds) fail(nodesFile, `population ${pop}: /nodes/${pop}/node_type_id is missing`);
        const typeIds = Array.from(tds!.value as ArrayLike<number | bigint>, Number);
        const n = typeIds.length;
        const nid = g.get('node_id') as Dataset | null;
        const ids = nid ? Array.from(nid.value as ArrayLike<number | bigint>, Number) : null;
        indexOf[pop] = ids && ids.some((x, i) => x !== i) ? new Map(ids.map((x, i) => [x, i])) : null;
        if (indexOf[pop] && indexOf[pop]!.size !== n) fail(nodesFile, `population ${pop}: /nodes/${pop}/node_id has a node id twice`);
        const typeOf = new Map<number, Record<string, string>>();
        for (const id of new Set(typeIds)) typeOf.set(id, types.find((x) => Number(x.node_type_id) === id) ?? fail(typesFile, `population ${pop}: no node type ${id} (node_type_id)`));
        const kinds = new Set([...typeOf.values()].map((t) => t.model_type));
        if (kinds.size > 1) fail(typesFile, `population ${pop}: model_type ${[...kinds].join(' and ')} in one population (axonal runs one model per population)`);
        const kind = [...kinds][0];
        sizeOf[pop] = n;
        if (kind === 'virtual') {
          model.populations.push({ name: pop, size: n, model: 'spike_generator', params: { spike_times: spikeTimes(H, pop, n, indexOf[pop], inputs, spath, simPath ?? circuitPath, dt, warn) } } as never);
          backOf[pop] = null;
          continue;
        }
        if (kind !== 'point_neuron' && kind !== 'point_process')
          fail(typesFile, `population ${pop}: model_type "${kind}" (${kind === 'biophysical' ? 'a multi-compartment neuron' : 'not a point neuron'}): axonal imports point_neuron, point_process and virtual nodes`);
        const templates = new Set([...typeOf.values()].map((t) => t.model_template));
        if (templates.size > 1) fail(typesFile, `population ${pop}: model_template ${[...templates].join(' and ')} in one population (axonal runs one model per population)`);
        const tpl = [...templates][0] ?? '';
        const back = BACK[tpl] ?? BACK[`nest:${tpl}`] ?? BACK[tpl.replace(/^pynn:/i, '')] ?? fail(typesFile, `population ${pop}: model_template "${tpl}" is not one axonal imports (${Object.keys(BACK).join(', ')}; PyNN's names also as pyNN:<name>)`);
        const known = new Set([...Object.keys(back.params), ...Object.keys(back.initial), ...Object.keys(back.fixed ?? {})]);
        // a column of the node types table is a value of the cell ("NONE": given per node) or does not change it
        for (const col of Object.keys(types[0] ?? {}))
          if (!NODE_COLUMNS.has(col) && !known.has(col)) fail(typesFile, `population ${pop}: column "${col}" is not one the importer knows for ${tpl} (${[...known].join(', ')}; ${[...NODE_COLUMNS].join(', ')})`);
        // the values of every node: per node (0/dynamics_params), else its node type's, else the default
        const perType = new Map<number, Record<string, unknown>>();
        for (const [id, t] of typeOf) {
          const file = t.dynamics_params && t.dynamics_params !== 'NULL' ? join(cpath(components.point_neuron_models_dir ?? fail(circuitPath, 'components.point_neuron_models_dir is missing')), t.dynamics_params) : null;
          const dyn = file ? readJson(file, `dynamics_params of node type ${id}`) : {};
          for (const k of Object.keys(dyn)) if (!known.has(k)) fail(file!, `population ${pop}: parameter ${k} is not one axonal imports for ${tpl} (${[...known].join(', ')})`);
          for (const k of known) if (t[k] !== undefined && t[k] !== 'NONE') dyn[k] = t[k] === 'True' || t[k] === 'False' ? t[k] === 'True' : Number(t[k]);
          perType.set(id, dyn);
        }
        const groupIds = g.get('node_group_id') ? Array.from((g.get('node_group_id') as Dataset).value as ArrayLike<number | bigint>, Number) : new Array(n).fill(0);
        const groupIndex = g.get('node_group_index') ? Array.from((g.get('node_group_index') as Dataset).value as ArrayLike<number | bigint>, Number) : Array.from({ length: n }, (_, i) => i);
        const perNode: Record<string, Record<number, ArrayLike<number>>> = {};
        for (const gk of g.keys()) {
          if (!/^\d+$/.test(gk)) continue;
          const dp = g.get(`${gk}/dynamics_params`) as Group | null;
          if (!dp) continue;
          for (const k of dp.keys()) {
            if (!known.has(k)) fail(nodesFile, `population ${pop}: /nodes/${pop}/${gk}/dynamics_params/${k} is not one axonal imports for ${tpl} (${[...known].join(', ')})`);
            (perNode[k] ??= {})[Number(gk)] = (dp.get(k) as Dataset).value as ArrayLike<number>;
          }
        }
        const values: Record<string, Value> = {};
        for (const name of known) {
          const x = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const pn = perNode[name]?.[groupIds[i]];
            const v = pn ? pn[groupIndex[i]] : perType.get(typeIds[i])![name] ?? back.defaults[name] ?? back.fixed?.[name];
            if (typeof v !== 'number' && typeof v !== 'boolean') fail(nodesFile, `population ${pop}: ${name} of node ${i} is ${v === undefined ? 'not given and has no default' : `not a number (${JSON.stringify(v)})`}`);
            x[i] = Number(v);
          }
          values[name] = x.every((y) => y === x[0]) ? x[0] : x;
        }
        for (const [name, want] of Object.entries(back.fixed ?? {})) {
          const v = values[name];
          if (typeof v !== 'number' || v !== Number(want)) fail(nodesFile, `population ${pop}: ${name} must be ${want} for axonal's ${tpl.replace(/^nest:/, '')} (${typeof v === 'number' ? v : 'it differs per node'})`);
        }
        const out: { values: Record<string, unknown>; initial: Record<string, unknown>; population: Record<string, unknown> } = { values: {}, initial: {}, population: {} };
        const conv = (v: Value, f: number) => (typeof v === 'number' ? v / f : Array.from(v, (x) => x / f));
        for (const [name, [ax, f]] of Object.entries(back.params)) if (ax) out.values[ax] = conv(values[name], f);
        for (const [name, [ax, f]] of Object.entries(back.initial)) out.initial[ax] = conv(values[name], f);
        back.derive?.(values, out, dt, where);
        for (const [k, v] of Object.entries(out.values)) if (v instanceof Float64Array) out.values[k] = Array.from(v);
        model.populations.push({ name: pop, size: n, ...back.population, [back.field]: out.values, initial: out.initial } as never);
        backOf[pop] = back;
      }
    } finally {
      f.close();
    }
  }

  // edges
  for (const [ei, ec] of (networks.edges ?? []).entries()) {
    if (ec.enabled === false) continue;
    const edgesFile = cpath(ec.edges_file ?? fail(circuitPath, `networks.edges[${ei}].edges_file is missing`));
    const typesFile = cpath(ec.edge_types_file ?? fail(circuitPath, `networks.edges[${ei}].edge_types_file is missing`));
    if (!existsSync(typesFile)) fail(typesFile, `not found (networks.edges[${ei}].edge_types_file)`);
    if (!existsSync(edgesFile)) fail(edgesFile, `not found (networks.edges[${ei}].edges_file)`);
    const types = table(typesFile);
    const f = new H.File(edgesFile, 'r');
    try {
      const top = f.get('edges') as Group | null;
      if (!top) fail(edgesFile, 'no /edges group');
      for (const name of top!.keys()) {
        const ds = (k: string) => (f.get(`edges/${name}/${k}`) as Dataset | null) ?? fail(edgesFile, `edge population ${name}: /edges/${name}/${k} is missing`);
        const src = ds('source_node_id'), tgt = ds('target_node_id');
        const popAttr = (d: Dataset, k: string) => {
          const a = d.attrs.node_population;
          return a ? String(a.value) : fail(edgesFile, `edge population ${name}: /edges/${name}/${k} has no node_population attribute`);
        };
        const sp = popAttr(src, 'source_node_id'), tp = popAttr(tgt, 'target_node_id');
        if (!(sp in sizeOf)) fail(edgesFile, `edge population ${name}: source_node_id's node_population "${sp}" is not a node population of the circuit`);
        if (!(tp in sizeOf)) fail(edgesFile, `edge population ${name}: target_node_id's node_population "${tp}" is not a node population of the circuit`);
        const back = backOf[tp] ?? fail(edgesFile, `edge population ${name}: target population ${tp} is virtual (virtual nodes only send spikes)`);
        const ids = (d: Dataset, p: string, k: string) => {
          const map = indexOf[p];
          return Array.from(d.value as ArrayLike<number | bigint>, (x, j) => {
            const i = map ? map.get(Number(x)) : Number(x);
            return i ?? fail(edgesFile, `edge population ${name}: ${k}[${j}] = ${x} is not a node_id of ${p}`);
          });
        };
        const S = ids(src, sp, 'source_node_id'), T = ids(tgt, tp, 'target_node_id');
        const m = S.length;
        const typeIds = Array.from(ds('edge_type_id').value as ArrayLike<number | bigint>, Number);
        const gIds = f.get(`edges/${name}/edge_group_id`) ? Array.from(ds('edge_group_id').value as ArrayLike<number | bigint>, Number) : new Array(m).fill(0);
        const gIdx = f.get(`edges/${name}/edge_group_index`) ? Array.from(ds('edge_group_index').value as ArrayLike<number | bigint>, Number) : Array.from({ length: m }, (_, i) => i);
        // per-edge values by group: syn_weight and delay, nothing else
        const groups: Record<number, { w?: ArrayLike<number>; d?: ArrayLike<number>; n?: number }> = {};
        for (const gk of (f.get(`edges/${name}`) as Group).keys()) {
          if (!/^\d+$/.test(gk)) continue;
          const gg = f.get(`edges/${name}/${gk}`) as Group;
          const e: { w?: ArrayLike<number>; d?: ArrayLike<number>; n?: number } = (groups[Number(gk)] = {});
          // NEST's syn_weight and delay, or PyNN's dynamics_params/weight and delay
          const read = (gg: Group, at: string) => {
            for (const k of gg.keys()) {
              const x = gg.get(k);
              if (k === 'dynamics_params' && !at && x instanceof H.Group) read(x, 'dynamics_params/');
              else if (k === 'syn_weight' || (at && k === 'weight')) e.w = (x as Dataset).value as ArrayLike<number>;
              else if (k === 'delay') e.d = (x as Dataset).value as ArrayLike<number>;
              else fail(edgesFile, `edge population ${name}: /edges/${name}/${gk}/${at}${k} is an edge attribute the importer does not know (it reads syn_weight and delay${at ? ', weight' : ''})`);
            }
          };
          read(gg, '');
          e.n = Math.min(e.w?.length ?? Infinity, e.d?.length ?? Infinity);
        }
        // per-edge-type values: the table's syn_weight and delay columns, or the dynamics_params file's weight and delay
        const typeVals = new Map<number, { w?: number; d?: number; receptor?: number }>();
        for (const id of new Set(typeIds)) {
          const t = types.find((x) => Number(x.edge_type_id) === id) ?? fail(typesFile, `edge population ${name}: no edge type ${id} (edge_type_id)`);
          const v: { w?: number; d?: number; receptor?: number } = {};
          for (const [col, x] of Object.entries(t)) {
            if (col === 'edge_type_id' || col === 'target_query' || col === 'source_query' || col === 'pop_name' || col === 'dynamics_params') continue;
            if (col === 'model_template') {
              if (x !== 'static_synapse' && x !== 'nest:static_synapse' && !/^pynn:StaticSynapse$/i.test(x))
                fail(typesFile, `edge population ${name}: edge type ${id}: model_template "${x}" is not one axonal imports (static_synapse, pyNN:StaticSynapse)`);
            } else if (col === 'receptor_type') {
              // PyNN's receptor by name; the weights keep their sign
              if (x !== 'excitatory' && x !== 'inhibitory') fail(typesFile, `edge population ${name}: edge type ${id}: receptor_type "${x}" is not excitatory or inhibitory`);
              v.receptor = x === 'inhibitory' ? -1 : 1;
            } else if (col === 'syn_weight' || col === 'weight') v.w = Number(x);
            else if (col === 'delay') v.d = Number(x);
            else fail(typesFile, `edge population ${name}: column "${col}" is an edge attribute the importer does not know (syn_weight, delay, model_template, receptor_type, dynamics_params)`);
          }
          if (t.dynamics_params && t.dynamics_params !== 'NULL') {
            const file = join(cpath(components.synaptic_models_dir ?? fail(circuitPath, 'components.synaptic_models_dir is missing')), t.dynamics_params);
            for (const [k, x] of Object.entries(readJson(file, `dynamics_params of edge type ${id}`))) {
              if (k === 'weight' || k === 'syn_weight') v.w = Number(x);
              else if (k === 'delay') v.d = Number(x);
              else fail(file, `edge population ${name}: synapse parameter ${k} is not one the importer knows (weight, delay: static_synapse)`);
            }
          }
          typeVals.set(id, v);
        }
        const W = new Float64Array(m), D = new Float64Array(m), R = new Int8Array(m);
        const defaulted = new Set<string>();
        for (let j = 0; j < m; j++) {
          const e = groups[gIds[j]] ?? {};
          const tv = typeVals.get(typeIds[j])!;
          if ((e.w || e.d) && !(gIdx[j] >= 0 && gIdx[j] < e.n!)) fail(edgesFile, `edge population ${name}: edge_group_index[${j}] = ${gIdx[j]} is outside edge group ${gIds[j]} (${e.n} edges)`);
          let w = e.w ? e.w[gIdx[j]] : tv.w;
          let d = e.d ? e.d[gIdx[j]] : tv.d;
          // not given per edge, in the edge types table or in dynamics_params: NEST's static_synapse defaults
          if (w === undefined) defaulted.add('syn_weight 1'), (w = 1);
          if (d === undefined) defaulted.add('delay 1 ms'), (d = 1);
          if (!Number.isFinite(w)) fail(edgesFile, `edge population ${name}: syn_weight of edge ${j} is ${w}`);
          if (!Number.isFinite(d)) fail(edgesFile, `edge population ${name}: delay of edge ${j} is ${d}`);
          W[j] = w;
          D[j] = d;
          // the receptor: named by the edge type (PyNN), else NEST's sign of the weight
          R[j] = tv.receptor ?? (w < 0 ? -1 : 1);
          if (S[j] >= sizeOf[sp] || T[j] >= sizeOf[tp]) fail(edgesFile, `edge population ${name}: edge ${j} joins ${S[j]} -> ${T[j]}, outside ${sp} (${sizeOf[sp]} nodes) or ${tp} (${sizeOf[tp]})`);
        }
        if (defaulted.size) warn(`${edgesFile}: edge population ${name}: edges without ${[...defaulted].map((x) => x.split(' ')[0]).join(' or ')}: NEST's static_synapse default (${[...defaulted].join(', ')})`);
        // one projection per receptor (the sign of the weight), edges in file order
        const signs = [1, -1].filter((s) => R.includes(s));
        const named = [...typeVals.values()].filter((v) => v.receptor !== undefined).length;
        if (named && named < typeVals.size) fail(typesFile, `edge population ${name}: receptor_type is given for some of its edge types, not all`);
        for (const s of signs.length ? signs : [1]) {
          const idx: number[] = [];
          for (let j = 0; j < m; j++) if (R[j] === s) idx.push(j);
          const r = back.receptor(s, dt);
          if (named) r.factor = Math.abs(r.factor);
          model.projections!.push({
            name: signs.length > 1 ? `${name}_${s > 0 ? 'exc' : 'inh'}` : name, source: sp, target: tp,
            connect: { rule: 'explicit', sources: idx.map((j) => S[j]), targets: idx.map((j) => T[j]) },
            weight: idx.map((j) => Math.fround(W[j] / r.factor)), delay: idx.map((j) => D[j]), ...r.fields,
          } as never);
        }
      }
    } finally {
      f.close();
    }
  }

  // what SONATA does not express, from axonal's export
  const extraPath = join(dirname(resolve(circuitPath)), 'axonal.json');
  if (existsSync(extraPath)) {
    const extra = readJson(extraPath, "axonal's inputs and monitors");
    if (extra.inputs !== undefined) model.inputs = extra.inputs as never;
    if (extra.monitors !== undefined) model.monitors = extra.monitors as never;
  }
  return model;
}

/** Spike times of a virtual population from the spike file of its input (node_set = population). */
function spikeTimes(H: H5, pop: string, n: number, indexOf: Map<number, number> | null, inputs: { input_type?: string; module?: string; input_file?: string; node_set?: string }[], path: (p: string) => string, simFile: string, dt: number, warn: (m: string) => void): number[][] {
  const inp = inputs.find((x) => x.node_set === pop) ?? fail(simFile, `inputs: no input with node_set "${pop}" for the virtual population ${pop} (its spike file)`);
  if (inp.input_type !== 'spikes' || (inp.module !== 'h5' && inp.module !== 'sonata'))
    fail(simFile, `inputs (node_set ${pop}): input_type "${inp.input_type}" module "${inp.module}" is not one axonal imports (spikes, h5)`);
  const file = path(inp.input_file ?? fail(simFile, `inputs (node_set ${pop}): input_file is missing`));
  if (!existsSync(file)) fail(file, `not found (the spike file of population ${pop})`);
  const f = new H.File(file, 'r');
  try {
    const top = f.get('spikes') as Group | null;
    if (!top) fail(file, 'no /spikes group');
    // /spikes/<pop>/{timestamps,node_ids} (SONATA) or /spikes/{timestamps,gids} (older files, NEST reads both)
    const g = top!.keys().includes(pop) ? (f.get(`spikes/${pop}`) as Group) : top!;
    const key = g.keys().includes('node_ids') ? 'node_ids' : g.keys().includes('gids') ? 'gids' : fail(file, `population ${pop}: no node_ids (or gids) dataset under /spikes`);
    // node ids of the population's node_id (index when it has none)
    const ids = Array.from((g.get(key) as Dataset).value as ArrayLike<number | bigint>, (x) => (indexOf ? indexOf.get(Number(x)) ?? n + Number(x) : Number(x)));
    const ts = (g.get('timestamps') as Dataset | null)?.value as ArrayLike<number> ?? fail(file, `population ${pop}: no timestamps dataset under /spikes`);
    const sets = Array.from({ length: n }, () => new Set<number>());
    let moved = 0, merged = 0;
    for (let j = 0; j < ids.length; j++) {
      if (ids[j] >= n) fail(file, `population ${pop}: ${key}[${j}] is not a node of the population (${n} nodes${indexOf ? ', by its node_id' : ''})`);
      const t = ts[j];
      if (!(t >= 0)) fail(file, `population ${pop}: timestamps[${j}] = ${t} (spike times are >= 0 ms)`);
      // NEST's rule for spike_train_injector (allow_offgrid_times): a time within half a tic (0.5 µs)
      // of a step is that step, any other is moved to the end of its step
      const r = Math.round(t / dt);
      let step = r;
      if (Math.abs(t - r * dt) >= 5e-4) {
        step = Math.ceil(t / dt);
        moved++;
      }
      if (sets[ids[j]].has(step)) merged++;
      sets[ids[j]].add(step);
    }
    if (moved) warn(`${file}: ${moved} spike times of population ${pop} are not on the grid of dt = ${dt} ms: moved to the end of their step (NEST's rule)`);
    if (merged) warn(`${file}: ${merged} spikes of population ${pop} fell into a step where the same node already spikes: dropped (axonal's spike generator sends one spike per step)`);
    return sets.map((s) => [...s].sort((a, b) => a - b).map((st) => st * dt));
  } finally {
    f.close();
  }
}

function fail(file: string, msg: string): never {
  throw new SonataImportError(`${file}: ${msg}`);
}

/** Write spikes as a SONATA spike file: /spikes/<population>/timestamps (ms) and node_ids, sorted by time. */
export async function writeSonataSpikes(path: string, pops: { name: string; steps: ArrayLike<number>; i: ArrayLike<number> }[], dt: number): Promise<void> {
  const H = (await importExternal<typeof import('h5wasm/node')>('h5wasm/node')).default as H5;
  await H.ready;
  const f = new H.File(path, 'w');
  try {
    const top = f.create_group('spikes');
    for (const p of pops) {
      const order = Array.from({ length: p.steps.length }, (_, k) => k).sort((a, b) => p.steps[a] - p.steps[b] || p.i[a] - p.i[b]);
      const g = top.create_group(p.name);
      g.create_attribute('sorting', 'by_time');
      g.create_dataset({ name: 'timestamps', data: Float64Array.from(order, (k) => p.steps[k] * dt) }).create_attribute('units', 'ms');
      g.create_dataset({ name: 'node_ids', data: BigUint64Array.from(order, (k) => BigInt(p.i[k])) });
    }
  } finally {
    f.close();
  }
}
