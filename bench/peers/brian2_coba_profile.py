#!/usr/bin/python3
"""Brian2's own profile of COBA-4k (bench/peers/brian2_coba.py's network): C++ standalone, one
thread, 1 s with profile=True; prints the run time (with profiling's overhead) and the time of each
code object (state updater, thresholder, resetter, synapses, spike monitor).

    /usr/bin/python3 bench/peers/brian2_coba_profile.py
"""
import os
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings('ignore')
import brian2 as b2  # noqa: E402
from brian2_coba import build  # noqa: E402

b2.prefs.devices.cpp_standalone.openmp_threads = 0
b2.set_device('cpp_standalone', build_on_run=True, directory=tempfile.mkdtemp(prefix='brian2_coba_profile_', dir='/tmp'), with_output=False)
b2.defaultclock.dt = 0.1 * b2.ms
N = 4000
group, synapses, namespace = build(b2, N, int(round(N * 0.8)), 80.0 / N)
net = b2.Network(group, *synapses, b2.SpikeMonitor(group))
net.run(1000 * b2.ms, namespace=namespace, profile=True)
print(f'run {b2.device._last_run_time:.3f} s (with profiling)')
print(b2.profiling_summary(net, show=12))
