#!/usr/bin/python3
"""Brian2 CUBA peer benchmark (Brette et al. 2007, benchmark 2).

This is Brian2's examples/CUBA.py generalised to N neurons (80 % excitatory)
with connection probability p = 80/N, so every neuron receives on average 80
synapses whatever N is (N = 4000 gives p = 0.02 exactly as the original).

Run with the Debian Brian2 (python3-brian) interpreter:

    /usr/bin/python3 bench/peers/brian2_cuba.py --neurons 4000 --json

Timing:
  * cpp_standalone: run_seconds is the generated program's own measurement of
    the network run (results/last_run_info.txt, exposed as
    device._last_run_time). It excludes code generation, compilation, and the
    synapse creation / initialisation phase of the binary, and includes the
    SpikeMonitor. total_seconds is the wall time of model construction +
    code generation + compilation + binary execution.
  * runtime: run_seconds is the wall time of the run() call (this includes
    Brian2's code generation / Cython compilation for the run; compiled Cython
    extensions are cached across invocations in ~/.cython/brian_extensions).

Exit code 3 with `brian2 not available: <reason>` on stderr when Brian2 cannot
be imported (the harness treats 3 as "skipped").
"""
import argparse
import json
import os
import sys
import tempfile
import time


def parse_args():
    ap = argparse.ArgumentParser(description='Brian2 CUBA benchmark (Brette et al. 2007, benchmark 2)')
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


def main():
    args = parse_args()
    t_import = time.perf_counter()
    try:
        import warnings
        warnings.filterwarnings('ignore')
        import numpy as np
        import brian2
        from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, ms, mV,
                            defaultclock, prefs, set_device, device, seed as b2seed)
    except Exception as e:  # ImportError, or a broken installation
        print(f'brian2 not available: {type(e).__name__}: {e}', file=sys.stderr)
        sys.exit(3)
    import_seconds = time.perf_counter() - t_import

    N = args.neurons
    NE = int(round(N * 0.8))
    p = 80.0 / N
    build_dir = None

    with StdoutToStderr():
        t0 = time.perf_counter()
        if args.device == 'cpp_standalone':
            build_dir = args.build_dir or tempfile.mkdtemp(prefix='brian2_cuba_', dir='/tmp')
            prefs.devices.cpp_standalone.openmp_threads = 0  # single thread
            # Keep Brian2's defaults on x86-64: -w -O3 -ffast-math
            # -fno-finite-math-only -march=native -std=c++11 (reported below).
            set_device('cpp_standalone', build_on_run=True, directory=build_dir,
                       with_output=False)
        else:
            prefs.codegen.target = 'auto'
        if args.seed is not None:
            b2seed(args.seed)

        defaultclock.dt = args.dt_ms * ms
        taum = 20 * ms
        taue = 5 * ms
        taui = 10 * ms
        Vt = -50 * mV
        Vr = -60 * mV
        El = -49 * mV

        eqs = '''
        dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
        dge/dt = -ge/taue : volt
        dgi/dt = -gi/taui : volt
        '''
        P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms,
                        method='exact')
        P.v = 'Vr + rand() * (Vt - Vr)'
        P.ge = 0 * mV
        P.gi = 0 * mV

        we = (60 * 0.27 / 10) * mV  # excitatory synaptic weight (voltage)
        wi = (-20 * 4.5 / 10) * mV  # inhibitory synaptic weight
        Ce = Synapses(P, P, on_pre='ge += we')
        Ci = Synapses(P, P, on_pre='gi += wi')
        Ce.connect(f'i<{NE}', p=p)
        Ci.connect(f'i>={NE}', p=p)

        s_mon = SpikeMonitor(P)
        net = Network(P, Ce, Ci, s_mon)

        t_run = time.perf_counter()
        net.run(args.duration_ms * ms)
        t_end = time.perf_counter()

        if args.device == 'cpp_standalone':
            run_seconds = float(device._last_run_time)
        else:
            run_seconds = t_end - t_run
        total_seconds = t_end - t0

        from brian2.codegen.cpp_prefs import get_compiler_and_args
        _, compile_flags = get_compiler_and_args()
        idx = np.asarray(s_mon.i[:])
        n_syn = int(len(Ce)) + int(len(Ci))
        timers = {}
        if args.device == 'cpp_standalone':
            for k, v in getattr(device, 'timers', {}).items():
                if isinstance(v, dict):
                    for k2, v2 in v.items():
                        if isinstance(v2, (int, float)):
                            timers[f'{k}_{k2}'] = round(v2, 4)
                elif isinstance(v, (int, float)):
                    timers[k] = round(v, 4)
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
        'model': 'cuba',
        'device': args.device,
        'brian2_version': brian2.__version__,
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


if __name__ == '__main__':
    main()
