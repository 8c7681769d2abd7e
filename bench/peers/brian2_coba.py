#!/usr/bin/python3
"""Brian2 COBA peer benchmark (Brette et al. 2007, benchmark 1: conductance-based
integrate-and-fire neurons with exponential synaptic conductances).

R. Brette's Brian script examples/misc/COBA.py (Dec 2007) written for Brian2 with
absolute units (the model of our examples/coba.json): C_m 200 pF, g_L 10 nS
(tau_m 20 ms), E_L = V_reset = -60 mV, V_th -50 mV, refractory 5 ms with v
clamped, E_e 0 mV, E_i -80 mV, tau_e 5 ms, tau_i 10 ms, w_e 6 nS, w_i 67 nS,
Euler, no delay (a spike acts in the next step), no external input; initial values
v = E_L + (5 randn - 5) mV, ge = (1.5 randn + 4) * 10 nS, gi = (12 randn + 20) * 10 nS.
Generalised to N neurons (80 % excitatory) with connection probability p = 80/N
from each source to every neuron (N = 4000: p = 0.02, the original).

    /usr/bin/python3 bench/peers/brian2_coba.py --neurons 4000 --json

Command line, timing and output: brian2_peer.py (the harness of every Brian2 peer).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brian2_peer import brette_synapses, main  # noqa: E402


def build(b2, N, NE, p):
    ms, mV, nS, pF = b2.ms, b2.mV, b2.nS, b2.pF
    Cm = 200 * pF
    gl = 10 * nS
    El = -60 * mV
    Vt = -50 * mV
    Vr = -60 * mV
    Ee = 0 * mV
    Ei = -80 * mV
    taue = 5 * ms
    taui = 10 * ms
    we = 6 * nS   # excitatory synaptic weight
    wi = 67 * nS  # inhibitory synaptic weight

    eqs = '''
    dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v))/Cm : volt (unless refractory)
    dge/dt = -ge/taue : siemens
    dgi/dt = -gi/taui : siemens
    '''
    P = b2.NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms,
                       method='euler')
    synapses = brette_synapses(b2, P, NE, p, El)
    namespace = dict(Cm=Cm, gl=gl, El=El, Vt=Vt, Vr=Vr, Ee=Ee, Ei=Ei, taue=taue, taui=taui, we=we, wi=wi)
    return P, synapses, namespace


if __name__ == '__main__':
    main('coba', build, 'Brian2 COBA benchmark (Brette et al. 2007, benchmark 1)')
