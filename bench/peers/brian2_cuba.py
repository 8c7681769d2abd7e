#!/usr/bin/python3
"""Brian2 CUBA peer benchmark (Brette et al. 2007, benchmark 2).

This is Brian2's examples/CUBA.py generalised to N neurons (80 % excitatory)
with connection probability p = 80/N, so every neuron receives on average 80
synapses whatever N is (N = 4000 gives p = 0.02 exactly as the original).

Run with the Debian Brian2 (python3-brian) interpreter:

    /usr/bin/python3 bench/peers/brian2_cuba.py --neurons 4000 --json

Command line, timing and output: brian2_peer.py (the harness of every Brian2 peer).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brian2_peer import main  # noqa: E402


def build(b2, N, NE, p):
    ms, mV = b2.ms, b2.mV
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
    P = b2.NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms,
                       method='exact')
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV

    we = (60 * 0.27 / 10) * mV  # excitatory synaptic weight (voltage)
    wi = (-20 * 4.5 / 10) * mV  # inhibitory synaptic weight
    Ce = b2.Synapses(P, P, on_pre='ge += we')
    Ci = b2.Synapses(P, P, on_pre='gi += wi')
    Ce.connect(f'i<{NE}', p=p)
    Ci.connect(f'i>={NE}', p=p)
    namespace = dict(taum=taum, taue=taue, taui=taui, Vt=Vt, Vr=Vr, El=El, we=we, wi=wi)
    return P, [Ce, Ci], namespace


if __name__ == '__main__':
    main('cuba', build, 'Brian2 CUBA benchmark (Brette et al. 2007, benchmark 2)')
