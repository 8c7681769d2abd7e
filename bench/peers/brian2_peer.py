"""The harness shared by the Brian2 peers of the Brette et al. (2007) benchmarks
(brian2_cuba.py, brian2_coba.py, brian2_cobahh.py): command line, device, seed, the
run and its timing, and the one JSON line every peer prints.

A peer script defines `build(b2, N, NE, p)`, which makes the network from the Brian2
namespace `b2` (`from brian2 import *` as a module) for N neurons, NE of them
excitatory (the first NE), with connection probability p, and returns
`(group, [synapses...], namespace)`, the namespace holding the names its equations
and on_pre use (the run resolves them there: build's locals are gone by then);
then calls `main('<model>', build, description)`.

Timing:
  * cpp_standalone: run_seconds is the generated program's own measurement of
    the network run (results/last_run_info.txt, exposed as
    device._last_run_time). It excludes code generation, compilation, and the
    synapse creation / initialisation phase of the binary, and includes the
    SpikeMonitor. One thread (openmp_threads = 0). total_seconds is the wall
    time of model construction + code generation + compilation + binary
    execution.
  * runtime: run_seconds is the wall time of the run() call (this includes
    Brian2's code generation / Cython compilation for the run; compiled Cython
    extensions are cached across invocations in ~/.cython/brian_extensions).

Exit code 3 with `brian2 not available: <reason>` on stderr when Brian2 cannot
be imported (the harness treats 3 as "skipped"). All Brian2, compiler and
binary output goes to stderr; stdout holds only the result.
"""
import argparse
import json
import os
import sys
import tempfile
import time


def parse_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument('--neurons', type=int, default=4000)
    ap.add_argument('--duration-ms', type=float, default=1000.0)
    ap.add_argument('--dt-ms', type=float, default=0.1)
    ap.add_argument('--device', choices=['cpp_standalone', 'runtime'], default='cpp_standalone')
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--build-dir', default=None,
                    help='standalone project directory (default: a fresh temp dir under /tmp)')
    ap.add_argument('--json', action='store_true', help='print one JSON line to stdout')
    return ap.parse_args()


class StdoutToStderr:
    """Redirect fd 1 to fd 2 (Brian2's compiler / binary output included) so
    that stdout only ever carries the JSON result line."""

    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        os.dup2(2, 1)
        return self

    def __exit__(self, *exc):
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)
        return False


def device_timers(device):
    timers = {}
    for k, v in getattr(device, 'timers', {}).items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                if isinstance(v2, (int, float)):
                    timers[f'{k}_{k2}'] = round(v2, 4)
        elif isinstance(v, (int, float)):
            timers[k] = round(v, 4)
    return timers


def brette_synapses(b2, P, NE, p, El):
    """COBA's and COBAHH's synapses and initial values (R. Brette's scripts, Dec 2007): from the
    first NE neurons `ge += we`, from the others `gi += wi`, each to every neuron with probability p
    (autapses allowed); v = El + (5 randn - 5) mV, ge = (1.5 randn + 4) * 10 nS,
    gi = (12 randn + 20) * 10 nS. we and wi come from the run's namespace."""
    Ce = b2.Synapses(P[:NE], P, on_pre='ge += we')
    Ci = b2.Synapses(P[NE:], P, on_pre='gi += wi')
    Ce.connect(p=p)
    Ci.connect(p=p)
    P.v = 'El + (randn() * 5 - 5)*mV'  # El: this function's argument
    P.ge = '(randn() * 1.5 + 4) * 10.*nS'
    P.gi = '(randn() * 12 + 20) * 10.*nS'
    return [Ce, Ci]


def main(model, build, description):
    """Run the peer `model` (its name in the JSON line) whose network `build` makes."""
    args = parse_args(description)
    t_import = time.perf_counter()
    try:
        import warnings
        warnings.filterwarnings('ignore')
        import numpy as np
        import brian2 as b2
    except Exception as e:  # ImportError, or a broken installation
        print(f'brian2 not available: {type(e).__name__}: {e}', file=sys.stderr)
        sys.exit(3)
    import_seconds = time.perf_counter() - t_import
    prefs, device = b2.prefs, b2.device

    N = args.neurons
    NE = int(round(N * 0.8))
    p = 80.0 / N
    build_dir = None

    with StdoutToStderr():
        t0 = time.perf_counter()
        if args.device == 'cpp_standalone':
            build_dir = args.build_dir or tempfile.mkdtemp(prefix=f'brian2_{model}_', dir='/tmp')
            prefs.devices.cpp_standalone.openmp_threads = 0  # single thread
            # Keep Brian2's defaults on x86-64: -w -O3 -ffast-math
            # -fno-finite-math-only -march=native -std=c++11 (reported below).
            b2.set_device('cpp_standalone', build_on_run=True, directory=build_dir,
                          with_output=False)
        else:
            prefs.codegen.target = 'auto'
        if args.seed is not None:
            b2.seed(args.seed)

        b2.defaultclock.dt = args.dt_ms * b2.ms
        group, synapses, namespace = build(b2, N, NE, p)
        s_mon = b2.SpikeMonitor(group)
        net = b2.Network(group, *synapses, s_mon)

        t_run = time.perf_counter()
        net.run(args.duration_ms * b2.ms, namespace=namespace)
        t_end = time.perf_counter()

        if args.device == 'cpp_standalone':
            run_seconds = float(device._last_run_time)
        else:
            run_seconds = t_end - t_run
        total_seconds = t_end - t0

        from brian2.codegen.cpp_prefs import get_compiler_and_args
        _, compile_flags = get_compiler_and_args()
        idx = np.asarray(s_mon.i[:])
        n_syn = sum(int(len(s)) for s in synapses)
        timers = {}
        if args.device == 'cpp_standalone':
            timers = device_timers(device)
            codegen_target = 'cpp_standalone'
        else:
            # the concrete runtime target 'auto' resolved to (cython or numpy)
            kinds = sorted({co.__class__.__name__ for obj in net.objects
                            for co in getattr(obj, '_code_objects', [])})
            codegen_target = ','.join(kinds) or str(prefs.codegen.target)

    spikes = int(idx.size)
    spikes_e = int(np.count_nonzero(idx < NE))
    spikes_i = spikes - spikes_e
    dur_s = args.duration_ms / 1000.0
    result = {
        'peer': 'brian2',
        'model': model,
        'device': args.device,
        'brian2_version': b2.__version__,
        'codegen_target': codegen_target,
        'compile_flags': compile_flags if args.device == 'cpp_standalone' else None,
        'openmp_threads': int(prefs.devices.cpp_standalone.openmp_threads) if args.device == 'cpp_standalone' else None,
        'neurons': N,
        'excitatory': NE,
        'inhibitory': N - NE,
        'p': p,
        'synapses': n_syn,
        'duration_ms': args.duration_ms,
        'dt_ms': args.dt_ms,
        'seed': args.seed,
        'spikes': spikes,
        'rate_hz': spikes / N / dur_s,
        'rate_e_hz': spikes_e / NE / dur_s if NE else 0.0,
        'rate_i_hz': spikes_i / (N - NE) / dur_s if N - NE else 0.0,
        'run_seconds': run_seconds,
        'total_seconds': total_seconds,
        'import_seconds': import_seconds,
        'device_timers': timers,
        'build_dir': build_dir,
    }
    if args.json:
        print(json.dumps(result), flush=True)
    else:
        for k, v in result.items():
            print(f'{k}: {v}')
