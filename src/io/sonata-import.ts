/**
 * SONATA import (Node only), a first step: a point-neuron circuit that axonal wrote (src/io/sonata.ts)
 * with iaf_psc_exp or iaf_psc_delta nodes becomes a model: one population per node population,
 * one projection per edge population (explicit pairs, per-edge weights and delays). Anything else is
 * an error naming the file, the population and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ModelSpec } from '../core/types.ts';
import type { Dataset, Group } from 'h5wasm/node';

const BACK: Record<string, { model: Record<string, unknown>; params: Record<string, [string, number]>; initial: Record<string, [string, number]>; weight: number }> = {
  iaf_psc_exp: {
    model: { model: 'lif', synapse: 'exp' },
    params: { tau_m: ['tau_m', 1], C_m: ['cm', 1000], E_L: ['v_rest', 1], V_th: ['v_thresh', 1], V_reset: ['v_reset', 1], t_ref: ['tau_refrac', 1], tau_syn_ex: ['tau_syn_e', 1], tau_syn_in: ['tau_syn_i', 1], I_e: ['i_offset', 1000] },
    initial: { V_m: ['v', 1], I_syn_ex: ['ie', 1000], I_syn_in: ['ii', 1000] },
    weight: 1000,
  },
  iaf_psc_delta: {
    model: { model: 'lif', synapse: 'delta' },
    params: { tau_m: ['tau_m', 1], C_m: ['cm', 1000], E_L: ['v_rest', 1], V_th: ['v_thresh', 1], V_reset: ['v_reset', 1], t_ref: ['tau_refrac', 1], I_e: ['i_offset', 1000] },
    initial: { V_m: ['v', 1] },
    weight: 1,
  },
};

type H5 = typeof import('h5wasm/node').default;

function table(file: string): Record<string, string>[] {
  const rows = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => l.trim().split(/\s+/));
  return rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
}

/** The model of a SONATA circuit (circuit_config.json, with simulation_config.json beside it for dt and tstop). */
export async function importSonata(configPath: string): Promise<ModelSpec> {
  const H = (await import('h5wasm/node')).default as H5;
  await H.ready;
  const base = dirname(resolve(configPath));
  const conf = JSON.parse(readFileSync(configPath, 'utf8'));
  const simPath = join(base, 'simulation_config.json');
  const sim = existsSync(simPath) ? JSON.parse(readFileSync(simPath, 'utf8')) : conf;
  const dirs: [string, string][] = Object.entries((conf.manifest ?? {}) as Record<string, string>);
  const path = (p: string) => {
    for (let k = 0; k < 4; k++) for (const [name, v] of dirs) p = p.replace(name, v);
    return join(base, p);
  };
  const fail = (file: string, msg: string): never => {
    throw new Error(`${file}: ${msg}`);
  };
  const dt = sim.run?.dt ?? fail(simPath, 'run.dt is missing');
  const model: ModelSpec = { dt, duration: sim.run?.tstop ?? 1000, seed: conf.axonal?.seed ?? 1, populations: [], projections: [] };
  const weightOf: Record<string, number> = {};
  for (const nc of conf.networks.nodes as { nodes_file: string; node_types_file: string }[]) {
    const types = table(path(nc.node_types_file));
    const f = new H.File(path(nc.nodes_file), 'r');
    try {
      for (const pop of (f.get('nodes') as Group).keys()) {
        const g = f.get(`nodes/${pop}`) as Group;
        const ids = (g.get('node_type_id') as Dataset).value as Int32Array;
        const t = types.find((x) => Number(x.node_type_id) === ids[0]) ?? fail(nc.node_types_file, `no node type ${ids[0]} of population ${pop}`);
        if (ids.some((x) => x !== ids[0])) fail(nc.nodes_file, `/nodes/${pop}/node_type_id: more than one node type in a population is not imported`);
        const tpl = (t.model_template ?? '').replace(/^nest:/, '');
        const back = BACK[tpl] ?? fail(nc.node_types_file, `population ${pop}: model_template "${t.model_template}" is not one axonal imports (nest:iaf_psc_exp, nest:iaf_psc_delta)`);
        const dyn = JSON.parse(readFileSync(join(path(conf.components.point_neuron_models_dir), t.dynamics_params), 'utf8')) as Record<string, number>;
        const params: Record<string, unknown> = {};
        const initial: Record<string, unknown> = {};
        const put = (name: string, v: number | number[]) => {
          if (back.params[name]) params[back.params[name][0]] = typeof v === 'number' ? v / back.params[name][1] : v.map((x) => x / back.params[name][1]);
          else if (back.initial[name]) initial[back.initial[name][0]] = typeof v === 'number' ? v / back.initial[name][1] : v.map((x) => x / back.initial[name][1]);
          else if (name !== 'refractory_input') fail(t.dynamics_params, `population ${pop}: parameter ${name} is not imported`);
        };
        for (const [k, v] of Object.entries(dyn)) put(k, v);
        const dp = g.get('0/dynamics_params') as Group | null;
        if (dp) for (const k of dp.keys()) put(k, Array.from((dp.get(k) as Dataset).value as Float64Array));
        model.populations.push({ name: pop, size: ids.length, ...back.model, params, initial } as never);
        weightOf[pop] = back.weight;
      }
    } finally {
      f.close();
    }
  }
  for (const ec of conf.networks.edges as { edges_file: string }[]) {
    const f = new H.File(path(ec.edges_file), 'r');
    try {
      for (const name of (f.get('edges') as Group).keys()) {
        const ds = (k: string) => (f.get(`edges/${name}/${k}`) as Dataset) ?? fail(ec.edges_file, `/edges/${name}/${k} is missing`);
        const src = ds('source_node_id'), tgt = ds('target_node_id');
        const sp = String(src.attrs.node_population.value), tp = String(tgt.attrs.node_population.value);
        const wf = weightOf[tp];
        const w = Array.from(ds('0/syn_weight').value as Float64Array, (x) => Math.fround(x / wf));
        const d = Array.from(ds('0/delay').value as Float64Array);
        const inhibitory = w.some((x) => x < 0);
        model.projections!.push({
          name, source: sp, target: tp,
          connect: { rule: 'explicit', sources: Array.from(src.value as BigUint64Array, Number), targets: Array.from(tgt.value as BigUint64Array, Number) },
          weight: w, delay: d, ...(weightOf[tp] === 1000 ? { receptor: inhibitory ? 'inhibitory' : 'excitatory' } : {}),
        } as never);
      }
    } finally {
      f.close();
    }
  }
  return model;
}
