"""For test/sonata-import.test.ts (AXONAL_SONATA_PYNN): a small COBA-like network in PyNN (IF_cond_exp), exported with pyNN.serialization.export_to_sonata
and run with PyNN's brian2 backend. Usage: /usr/bin/python3 test/pynn-sonata-net.py OUTDIR [run]"""
import sys, os, json, shutil
import numpy as np
import pyNN.brian2 as sim
from pyNN.network import Network
from pyNN.random import NumpyRNG
from pyNN.parameters import Sequence
from pyNN.serialization import export_to_sonata

out = sys.argv[1]
tstop, dt = 1000.0, 0.1
sim.setup(timestep=dt, min_delay=dt)
rng = np.random.RandomState(42)
nS = 200
# input: Poisson trains at 10 Hz, on the grid
trains = []
for k in range(nS):
    t = np.cumsum(rng.exponential(100.0, size=40))
    t = np.unique(np.round(t[t < tstop] / dt) * dt)
    t = t[t > 0]
    trains.append(t)
cell = sim.IF_cond_exp(tau_m=20.0, cm=0.2, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0,
                       e_rev_E=0.0, e_rev_I=-80.0, tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0)
E = sim.Population(800, cell, label="E")
I = sim.Population(200, cell, label="I")
S = sim.Population(nS, sim.SpikeSourceArray(spike_times=[Sequence(t) for t in trains]), label="S")
r = NumpyRNG(seed=7)
conn = lambda p: sim.FixedProbabilityConnector(p, rng=r)
syn = lambda w: sim.StaticSynapse(weight=w, delay=1.0)
P = [
    sim.Projection(S, E, conn(0.1), syn(0.004), receptor_type="excitatory", label="SE"),
    sim.Projection(S, I, conn(0.1), syn(0.004), receptor_type="excitatory", label="SI"),
    sim.Projection(E, E, conn(0.02), syn(0.006), receptor_type="excitatory", label="EE"),
    sim.Projection(E, I, conn(0.02), syn(0.006), receptor_type="excitatory", label="EI"),
    sim.Projection(I, E, conn(0.02), syn(0.067), receptor_type="inhibitory", label="IE"),
    sim.Projection(I, I, conn(0.02), syn(0.067), receptor_type="inhibitory", label="II"),
]
net = Network(E, I, S, *P)
if os.path.exists(out):
    shutil.rmtree(out)
os.makedirs(out)
export_to_sonata(net, out, target="PyNN", overwrite=True)
# PyNN writes no simulation config and no spike file ("spike times should be added manually"): written here
import h5py
gids = np.asarray(S.all_cells).astype(np.uint64)
ids = np.concatenate([np.full(len(t), gids[k], dtype=np.uint64) for k, t in enumerate(trains)])
ts = np.concatenate(trains)
o = np.argsort(ts, kind="stable")
os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
with h5py.File(os.path.join(out, "inputs/S_spikes.h5"), "w") as f:
    g = f.create_group("spikes/S")
    g.attrs["sorting"] = "by_time"
    g.create_dataset("timestamps", data=ts[o])
    g.create_dataset("node_ids", data=ids[o])
json.dump({"run": {"tstop": tstop, "dt": dt}, "network": "circuit_config.json",
           "inputs": {"S_spikes": {"input_type": "spikes", "module": "h5", "input_file": "inputs/S_spikes.h5", "node_set": "S"}}},
          open(os.path.join(out, "simulation_config.json"), "w"), indent=2)
print("edges", {p.label: p.size() for p in P})
if len(sys.argv) > 2:
    E.record("spikes"); I.record("spikes")
    sim.run(tstop)
    for pop in (E, I):
        n = sum(len(s) for s in pop.get_data().segments[0].spiketrains)
        print("pyNN.brian2", pop.label, n, "spikes", n / pop.size / (tstop / 1000), "Hz")
