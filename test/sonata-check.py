"""
An independent reader of axonal's SONATA export (test/sonata.test.ts): Debian's h5py checks the
layout of a circuit against the SONATA developer guide (circuit config, node and edge populations,
node_population attributes, edge groups, the CSV tables NEST's loader reads) and writes each edge
population's columns as raw little-endian arrays for the test to compare with the simulation:
<dump>/<edge population>.{src.u64,tgt.u64,w.f64,d.f64}.

usage: python3 sonata-check.py CIRCUIT_DIR DUMP_DIR     prints a JSON summary, exits 1 on a layout error
"""
import csv
import json
import os
import sys

import h5py
import numpy as np

base, dump = sys.argv[1], sys.argv[2]
errors = []


def need(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def path(p):
    for k, v in manifest.items():
        p = p.replace(k, v)
    return os.path.join(base, p)


def table(fn):
    with open(fn) as fp:
        rows = [line.split() for line in fp if line.strip()]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


conf = json.load(open(os.path.join(base, "circuit_config.json")))
sim = json.load(open(os.path.join(base, "simulation_config.json")))
need(conf.get("target_simulator") == "NEST", "circuit_config: target_simulator is not NEST")
need("dt" in sim["run"] and "tstop" in sim["run"], "simulation_config: run needs dt and tstop")
manifest = {}
for k, v in conf["manifest"].items():
    manifest[k] = v
# resolve $BASE_DIR-relative entries (longest names first, as NEST substitutes them)
for k in list(manifest):
    for j in sorted(manifest, key=len, reverse=True):
        if j != k:
            manifest[k] = manifest[k].replace(j, manifest[j])
manifest = dict(sorted(manifest.items(), key=lambda kv: -len(kv[0])))

sizes = {}
summary = {"nodes": {}, "edges": {}}
for nc in conf["networks"]["nodes"]:
    types = table(path(nc["node_types_file"]))
    need(all("node_type_id" in t and "model_type" in t for t in types), f"{nc['node_types_file']}: node_type_id and model_type columns")
    need(len({t["model_type"] for t in types}) == 1, f"{nc['node_types_file']}: one model_type per table (NEST)")
    for t in types:
        if t["model_type"] == "point_neuron":
            need(t.get("model_template", "").startswith("nest:"), f"{nc['node_types_file']}: model_template nest:<model>")
            need(os.path.exists(os.path.join(path(conf["components"]["point_neuron_models_dir"]), t["dynamics_params"])), "dynamics_params file")
    type_ids = {int(t["node_type_id"]) for t in types}
    with h5py.File(path(nc["nodes_file"]), "r") as f:
        for pop, g in f["nodes"].items():
            n = g["node_type_id"].shape[0]
            sizes[pop] = n
            need(set(np.unique(g["node_type_id"][:]).tolist()) <= type_ids, f"/nodes/{pop}/node_type_id: ids not in the node types table")
            if "node_id" in g:
                need((g["node_id"][:] == np.arange(n)).all(), f"/nodes/{pop}/node_id: not 0..N-1")
            if "node_group_id" in g:
                need(g["node_group_id"].shape[0] == n and g["node_group_index"].shape[0] == n, f"/nodes/{pop}: group columns")
                for gid in np.unique(g["node_group_id"][:]):
                    grp = g[str(gid)]
                    for name, ds in grp.get("dynamics_params", {}).items():
                        need(ds.shape[0] == n, f"/nodes/{pop}/{gid}/dynamics_params/{name}: length")
            summary["nodes"][pop] = {"size": n, "model_type": types[0]["model_type"], "template": types[0].get("model_template")}

os.makedirs(dump, exist_ok=True)
for ec in conf["networks"]["edges"]:
    types = table(path(ec["edge_types_file"]))
    need(all("edge_type_id" in t and "model_template" in t for t in types), f"{ec['edge_types_file']}: edge_type_id and model_template")
    type_ids = {int(t["edge_type_id"]) for t in types}
    with h5py.File(path(ec["edges_file"]), "r") as f:
        for name, g in f["edges"].items():
            src, tgt = g["source_node_id"], g["target_node_id"]
            m = src.shape[0]
            sp, tp = src.attrs.get("node_population"), tgt.attrs.get("node_population")
            if isinstance(sp, bytes):
                sp, tp = sp.decode(), tp.decode()
            need(sp in sizes and tp in sizes, f"/edges/{name}: node_population {sp!r} / {tp!r} not a node population")
            for col in ("target_node_id", "edge_type_id", "edge_group_id", "edge_group_index"):
                need(col in g and g[col].shape[0] == m, f"/edges/{name}/{col}: missing or of another length")
            s, t = src[:], tgt[:]
            if m:
                need(s.max() < sizes.get(sp, 0) and t.max() < sizes.get(tp, 0), f"/edges/{name}: a node id beyond its population")
            need(set(np.unique(g["edge_type_id"][:]).tolist()) <= type_ids, f"/edges/{name}/edge_type_id: ids not in the edge types table")
            gid, gix = g["edge_group_id"][:], g["edge_group_index"][:]
            need((gid == 0).all(), f"/edges/{name}: one edge group (0)")
            need((gix == np.arange(m)).all(), f"/edges/{name}/edge_group_index: not 0..M-1 within group 0")
            w, d = g["0"]["syn_weight"][:], g["0"]["delay"][:]
            need(w.shape[0] == m and d.shape[0] == m, f"/edges/{name}/0: syn_weight and delay per edge")
            if "indices" in g:
                for direction, ids in (("source_to_target", s), ("target_to_source", t)):
                    ix = g["indices"][direction]
                    r = ix["node_id_to_ranges"][:]
                    rr = ix["range_to_edge_id"][:]
                    for node, (a, b) in enumerate(r):
                        for lo, hi in rr[a:b]:
                            need((ids[lo:hi] == node).all(), f"/edges/{name}/indices/{direction}: ranges")
            s.astype("<u8").tofile(os.path.join(dump, f"{name}.src.u64"))
            t.astype("<u8").tofile(os.path.join(dump, f"{name}.tgt.u64"))
            w.astype("<f8").tofile(os.path.join(dump, f"{name}.w.f64"))
            d.astype("<f8").tofile(os.path.join(dump, f"{name}.d.f64"))
            summary["edges"][name] = {"count": int(m), "source": sp, "target": tp, "dtypes": [str(src.dtype), str(w.dtype)]}

for inp in sim.get("inputs", {}).values():
    fn = inp["input_file"]
    for k, v in sorted(sim["manifest"].items(), key=lambda kv: -len(kv[0])):
        fn = fn.replace(k, v)
    fn = fn.replace("$BASE_DIR", ".")
    with h5py.File(os.path.join(base, fn), "r") as f:
        g = f["spikes"][inp["node_set"]]
        need(g["timestamps"].shape == g["node_ids"].shape, f"{fn}: timestamps and node_ids")
        summary.setdefault("inputs", {})[inp["node_set"]] = int(g["timestamps"].shape[0])

summary["errors"] = errors
print(json.dumps(summary))
sys.exit(1 if errors else 0)
