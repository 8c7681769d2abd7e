/**
 * `axonal info FILE`: what a snapshot holds, read from its header, with its checksum verified by
 * reading the file in chunks (nothing is built).
 */
import { open, stat } from 'node:fs/promises';
import { sizeText } from '../core/format.ts';
import { crcFunction, readSnapshotHeader, snapshotHeaderBytes, SnapshotError, type SnapshotHeader } from '../sim/snapshot-format.ts';

/** The header of a snapshot file and whether its checksum holds. */
export async function readSnapshotFileHeader(path: string): Promise<{ header: SnapshotHeader; bytes: number; checksum: boolean }> {
  let bytes: number;
  try {
    bytes = (await stat(path)).size;
  } catch (e) {
    throw new SnapshotError(`${path}: cannot read the snapshot (${(e as Error).message})`);
  }
  const fh = await open(path, 'r');
  try {
    const prefix = new Uint8Array(24);
    await fh.read(prefix, 0, 24, 0);
    const hb = Math.min(bytes, snapshotHeaderBytes(prefix));
    const head = new Uint8Array(hb);
    await fh.read(head, 0, hb, 0);
    const header = readSnapshotHeader(head, bytes, path);
    // the checksum over everything before the 8-byte trailer
    const crcOf = await crcFunction();
    const buf = new Uint8Array(1 << 24);
    let crc = 0;
    const body = bytes - 8;
    for (let o = 0; o < body; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, body - o), o);
      if (bytesRead <= 0) break;
      crc = crcOf(buf.subarray(0, bytesRead), crc);
      o += bytesRead;
    }
    const trailer = new Uint8Array(8);
    await fh.read(trailer, 0, 8, body);
    const stored = new DataView(trailer.buffer).getUint32(0, true);
    return { header, bytes, checksum: stored === crc };
  } finally {
    await fh.close();
  }
}

export async function describeSnapshotFile(path: string): Promise<{ text: string; json: unknown }> {
  const { header: h, bytes, checksum } = await readSnapshotFileHeader(path);
  const st = h.state as { populations: { name: string; size: number }[]; projections: { name: string; synapses: number }[] };
  const model = h.model as { name?: string; duration?: number };
  const app = h.app as { command?: string; model?: string; out?: string; totalSteps?: number; checkpointEvery?: number | null } | undefined;
  const perSynapse = h.synapses > 0 ? bytes / h.synapses : 0;
  const json = {
    file: path, bytes, checksum_ok: checksum, format_version: h.version, axonal: h.axonal, created: h.created, model: model?.name ?? '',
    seed: h.seed, dt_ms: h.dt, step: h.step, t_ms: h.step * h.dt, neurons: h.neurons, synapses: h.synapses, bytes_per_synapse: perSynapse,
    saved: h.saved, spikes: h.spikeTotals.reduce((a, b) => a + b, 0), synaptic_events: h.events,
    populations: st.populations, projections: st.projections, sections: h.sections.length, app: app ?? null,
  };
  const lines = [
    `${path}: axonal snapshot (format ${h.version}, written by axonal ${h.axonal} on ${h.created})`,
    `checksum: ${checksum ? 'ok' : 'MISMATCH: the file is corrupted'}`,
    `model "${model?.name ?? ''}", seed ${h.seed}, dt ${h.dt} ms; at step ${h.step} (t = ${+(h.step * h.dt).toFixed(6)} ms)`,
    `${h.neurons} neurons, ${h.synapses} synapses; ${sizeText(bytes)}, ${perSynapse ? perSynapse.toFixed(2) : '-'} bytes per synapse`,
    `saved from backend ${h.saved.backend} (${h.saved.variant}), ${h.saved.threads} thread${h.saved.threads > 1 ? 's' : ''}, delivery ${h.saved.delivery}; restores on any`,
    `spikes so far ${json.spikes}, synaptic events ${h.events}`,
    `populations: ${st.populations.map((p) => `${p.name} (${p.size})`).join(', ')}`,
    `projections: ${st.projections.map((p) => `${p.name} (${p.synapses} synapses)`).join(', ') || '(none)'}`,
  ];
  if (app?.command === 'axonal run')
    lines.push(
      `written by axonal run ${app.model} --out ${app.out}: the run ends at t = ${+((app.totalSteps ?? 0) * h.dt).toFixed(6)} ms` +
        (app.checkpointEvery ? `, a checkpoint every ${app.checkpointEvery} ms` : '') + `; axonal resume ${path} continues it`,
    );
  if (!checksum) throw new SnapshotError(`${path}: corrupted snapshot: its checksum does not match its bytes\n${lines.join('\n')}`);
  return { text: lines.join('\n') + '\n', json };
}
