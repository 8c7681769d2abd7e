#!/usr/bin/python3
"""Brian2 peer for the microcircuit: runs an axonal model file of the Potjans & Diesmann (2014)
microcircuit (scripts/gen-microcircuit.js) in Brian2, as an independent implementation of the same
parameters, and prints the mean rate of every population. Used to tell an effect of the model's
down-scaling from a difference of axonal's engine (docs/microcircuit.md, "Scaled-down versions").

    node scripts/gen-microcircuit.js --scale 0.1 --background poisson --out /tmp/mc10.json
    /usr/bin/python3 bench/peers/brian2_microcircuit.py /tmp/mc10.json --warmup-ms 500 --duration-ms 2000 --json

Supported subset of the format (what the microcircuit uses): `lif` populations with `exp`
synapses and equal parameters (except i_offset), initial v normal, `fixed_total_number`
projections (multapses and autapses allowed: uniform pairs) with normal weights and delays
(bound 'redraw'), `poisson` inputs. Delays are rounded as axonal and NEST do: max(1, round(d/dt)).
Connectivity, initial values and Poisson input come from numpy / Brian2's own generators (seed
--seed), so a run is another realisation of the same model, not the same network.

Neuron: dv/dt = (E_L - v)/tau_m + (I_e + I_i + I_offset)/C_m, dI/dt = -I/tau_syn (method 'exact'),
v held at V_reset for t_ref after a spike; a spike adds its weight to I_e or I_i of the target
after its delay. Poisson input: PoissonInput with N = 1000 sources of rate/1000 each per target
(binomial counts per step, Poisson in the limit).

Exit code 3 with `brian2 not available: <reason>` on stderr when Brian2 cannot be imported.
"""
import argparse
import json
import os
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description='Brian2 peer run of an axonal microcircuit model file')
    ap.add_argument('model')
    ap.add_argument('--warmup-ms', type=float, default=500.0)
    ap.add_argument('--duration-ms', type=float, default=1000.0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--device', choices=['cpp_standalone', 'runtime'], default='cpp_standalone')
    ap.add_argument('--threads', type=int, default=1, help='OpenMP threads (cpp_standalone)')
    ap.add_argument('--json', action='store_true', help='print one JSON line to stdout')
    args = ap.parse_args()
    try:
        import warnings
        warnings.filterwarnings('ignore')
        import numpy as np
        from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, Network, ms, mV, pA, pF, Hz,
                            defaultclock, prefs, set_device, device, seed as b2seed)
    except Exception as e:
        print(f'brian2 not available: {type(e).__name__}: {e}', file=sys.stderr)
        sys.exit(3)

    with open(args.model) as f:
        spec = json.load(f)
    dt = spec['dt']
    rng = np.random.default_rng(args.seed)
    b2seed(args.seed)
    if args.device == 'cpp_standalone':
        set_device('cpp_standalone', directory=tempfile.mkdtemp(prefix='brian2_mc_'), build_on_run=False)
        if args.threads > 1:
            prefs.devices.cpp_standalone.openmp_threads = args.threads
    defaultclock.dt = dt * ms

    pops = spec['populations']
    for p in pops:
        if p['model'] != 'lif' or p.get('synapse', 'exp') != 'exp':
            sys.exit(f'unsupported population {p["name"]}: only lif/exp')
    names = [p['name'] for p in pops]
    sizes = [p['size'] for p in pops]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    N = int(offsets[-1])
    P0 = pops[0]['params']
    for p in pops:
        for k in ('tau_m', 'cm', 'v_rest', 'v_thresh', 'v_reset', 'tau_refrac', 'tau_syn_e', 'tau_syn_i'):
            if p['params'][k] != P0[k]:
                sys.exit(f'unsupported: {p["name"]}.params.{k} differs between populations')
    if P0['tau_syn_e'] != P0['tau_syn_i']:
        sys.exit('unsupported: tau_syn_e != tau_syn_i')

    ns = {'E_L': P0['v_rest'] * mV, 'V_th': P0['v_thresh'] * mV, 'V_reset': P0['v_reset'] * mV,
          'tau_m': P0['tau_m'] * ms, 'C_m': P0['cm'] * 1000 * pF, 'tau_s': P0['tau_syn_e'] * ms}
    eqs = '''
    dv/dt = (E_L - v)/tau_m + (Ie + Ii + Ioff)/C_m : volt (unless refractory)
    dIe/dt = -Ie/tau_s : amp
    dIi/dt = -Ii/tau_s : amp
    Ioff : amp (constant)
    '''
    G = NeuronGroup(N, eqs, threshold='v >= V_th', reset='v = V_reset', refractory=P0['tau_refrac'] * ms,
                    method='exact', namespace=ns)
    ioff = np.zeros(N)
    v0 = np.zeros(N)
    for k, p in enumerate(pops):
        a, b = offsets[k], offsets[k + 1]
        ioff[a:b] = p['params'].get('i_offset', 0.0) * 1000  # nA -> pA
        v = p.get('initial', {}).get('v', P0['v_rest'])
        v0[a:b] = rng.normal(v['mean'], v['std'], b - a) if isinstance(v, dict) else v
    G.Ioff = ioff * pA
    G.v = v0 * mV

    def normal_redraw(s, n):
        if isinstance(s, (int, float)):
            return np.full(n, float(s))
        assert s['dist'] == 'normal' and s.get('bound') == 'redraw', s
        lo, hi = s.get('min', -np.inf), s.get('max', np.inf)
        x = rng.normal(s['mean'], s['std'], n)
        bad = (x < lo) | (x > hi)
        while bad.any():
            x[bad] = rng.normal(s['mean'], s['std'], bad.sum())
            bad = (x < lo) | (x > hi)
        return x

    conn = {'e': ([], [], [], []), 'i': ([], [], [], [])}
    for pr in spec['projections']:
        c = pr['connect']
        assert c['rule'] == 'fixed_total_number' and c.get('allow_autapses', True) and c.get('allow_multapses', True), c
        s, t = names.index(pr['source']), names.index(pr['target'])
        n = c['n']
        src = rng.integers(0, sizes[s], n) + offsets[s]
        tgt = rng.integers(0, sizes[t], n) + offsets[t]
        wts = normal_redraw(pr['weight'], n) * 1000  # nA -> pA
        dly = np.maximum(1, np.floor(normal_redraw(pr['delay'], n) / dt + 0.5)) * dt
        kind = 'i' if pops[s].get('type') == 'inhibitory' else 'e'
        for lst, x in zip(conn[kind], (src, tgt, wts, dly)):
            lst.append(x)
    objs = [G]
    nsyn = 0
    for kind, var in (('e', 'Ie'), ('i', 'Ii')):
        if not conn[kind][0]:
            continue
        src, tgt, wts, dly = (np.concatenate(x) for x in conn[kind])
        S = Synapses(G, G, 'w : amp (constant)', on_pre=f'{var}_post += w')
        S.connect(i=src, j=tgt)
        S.w = wts * pA
        S.delay = dly * ms
        objs.append(S)
        nsyn += len(src)
    for inp in spec.get('inputs', []):
        assert inp['type'] == 'poisson', inp
        k = names.index(inp['target'])
        sub = G[int(offsets[k]):int(offsets[k + 1])]
        var = 'Ie' if inp['weight'] >= 0 else 'Ii'
        objs.append(PoissonInput(sub, var, N=1000, rate=inp['rate'] / 1000 * Hz, weight=f'{inp["weight"] * 1000}*pA'))
    M = SpikeMonitor(G)
    objs.append(M)
    net = Network(*objs)
    t0 = time.perf_counter()
    net.run((args.warmup_ms + args.duration_ms) * ms)
    if args.device == 'cpp_standalone':
        device.build(run=True, compile=True)
    wall = time.perf_counter() - t0
    i = np.asarray(M.i[:])
    t = np.asarray(M.t[:] / ms)
    sel = (t >= args.warmup_ms) & (t < args.warmup_ms + args.duration_ms)
    counts = np.bincount(i[sel], minlength=N)
    rates = {names[k]: float(counts[offsets[k]:offsets[k + 1]].sum() * 1000.0 / (sizes[k] * args.duration_ms))
             for k in range(len(pops))}
    out = {'engine': f'brian2 {args.device}', 'neurons': N, 'synapses': nsyn, 'seed': args.seed,
           'warmup_ms': args.warmup_ms, 'duration_ms': args.duration_ms, 'wall_seconds': wall, 'rates_hz': rates}
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in rates.items():
            print(f'{k}\t{v:.3f}')


if __name__ == '__main__':
    main()
