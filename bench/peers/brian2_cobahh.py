#!/usr/bin/python3
"""Brian2 COBAHH peer benchmark (Brette et al. 2007, benchmark 3: Hodgkin-Huxley
neurons with exponential synaptic conductances).

Brian2's examples/COBAHH.py (the model of our examples/cobahh.json): Traub-Miles
neurons of area 20000 um2, we = 6 nS, wi = 67 nS, threshold v > -20 mV,
refractory 3 ms, exponential Euler, no delay, no external input, initial values
v = El + (5 randn - 5) mV, ge = (1.5 randn + 4) * 10 nS, gi = (12 randn + 20) * 10 nS
(m, n, h at 0). Generalised to N neurons (80 % excitatory) with connection
probability p = 80/N from each source to every neuron (N = 4000: p = 0.02, the original).

    /usr/bin/python3 bench/peers/brian2_cobahh.py --neurons 4000 --json

Command line, timing and output: brian2_peer.py (the harness of every Brian2 peer).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brian2_peer import brette_synapses, main  # noqa: E402


def build(b2, N, NE, p):
    ms, mV, nS, umetre, ufarad, cm, siemens, msiemens = (
        b2.ms, b2.mV, b2.nS, b2.umetre, b2.ufarad, b2.cm, b2.siemens, b2.msiemens)
    area = 20000 * umetre**2
    Cm = (1 * ufarad * cm**-2) * area
    gl = (5e-5 * siemens * cm**-2) * area
    El = -60 * mV
    EK = -90 * mV
    ENa = 50 * mV
    g_na = (100 * msiemens * cm**-2) * area
    g_kd = (30 * msiemens * cm**-2) * area
    VT = -63 * mV
    taue = 5 * ms
    taui = 10 * ms
    Ee = 0 * mV
    Ei = -80 * mV
    we = 6 * nS   # excitatory synaptic weight
    wi = 67 * nS  # inhibitory synaptic weight

    eqs = b2.Equations('''
    dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
             g_na*(m*m*m)*h*(v-ENa)-
             g_kd*(n*n*n*n)*(v-EK))/Cm : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
    alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
    beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
    ''')
    P = b2.NeuronGroup(N, model=eqs, threshold='v>-20*mV', refractory=3 * ms,
                       method='exponential_euler')
    synapses = brette_synapses(b2, P, NE, p, El)
    namespace = dict(Cm=Cm, gl=gl, El=El, EK=EK, ENa=ENa, g_na=g_na, g_kd=g_kd, VT=VT,
                     taue=taue, taui=taui, Ee=Ee, Ei=Ei, we=we, wi=wi)
    return P, synapses, namespace


if __name__ == '__main__':
    main('cobahh', build, 'Brian2 COBAHH benchmark (Brette et al. 2007, benchmark 3)')
