/**
 * Checkpoints on the command line (issue 17, items 3 and 5): `axonal run --checkpoint FILE
 * --checkpoint-every ms`, `axonal resume FILE` and `axonal info FILE`. A run killed with SIGKILL
 * while it writes a checkpoint leaves the previous checkpoint loadable, and resuming it gives the
 * outputs of the uninterrupted run byte for byte (streamed or not); Ctrl-C writes a checkpoint;
 * resuming elsewhere writes fresh files; a checkpoint that cannot be written stops the run.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../src/sim/simulation.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const dir = mkdtempSync(join(tmpdir(), 'axonal-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const axonal = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });

/**
 * CUBA with 8,000 neurons and p = 0.05 (3.2 million synapses, a checkpoint of about 13 MB: its
 * writing takes long enough to be caught), Poisson drive, a synapse-free state monitor.
 */
const model = join(dir, 'cuba8k.json');
beforeAll(() => {
  const m = JSON.parse(readFileSync(join(root, 'examples/cuba.json'), 'utf8'));
  m.populations[0].size = 6400;
  m.populations[1].size = 1600;
  for (const p of m.projections) p.connect.p = 0.05;
  m.projections.forEach((p: { weight: number }) => (p.weight /= 2.5));
  m.monitors.push({ type: 'state', population: 'I', variables: ['v'], neurons: [0, 5], every: 10 });
  writeFileSync(model, JSON.stringify(m));
});

function files(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const f of readdirSync(out)) if (f.endsWith('.csv')) r[f] = readFileSync(join(out, f), 'utf8');
  return r;
}

/** Start `axonal run` and SIGKILL it while it writes its checkpoint number `nth` (a temporary file exists beside one already renamed). */
async function killDuringCheckpoint(args: string[], ck: string, nth: number): Promise<{ tmpLeft: boolean }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: 'ignore' });
  const tmp = `${ck}.tmp-${child.pid}`;
  let seen = 0, wasTmp = false;
  const deadline = Date.now() + 120_000;
  await new Promise<void>((resolve, reject) => {
    const poll = () => {
      if (Date.now() > deadline) return reject(new Error('no checkpoint was seen being written'));
      const now = existsSync(tmp);
      if (now && !wasTmp) seen++;
      wasTmp = now;
      if (now && seen >= nth && existsSync(ck)) {
        child.kill('SIGKILL');
        return resolve();
      }
      setTimeout(poll, 1);
    };
    child.on('exit', (code) => reject(new Error(`the run ended (status ${code}) before it was killed`)));
    poll();
  });
  await new Promise((r) => child.once('exit', r));
  return { tmpLeft: existsSync(tmp) };
}

describe('axonal run --checkpoint, axonal resume, axonal info', () => {
  for (const stream of [false, true]) {
    it(`SIGKILL while a checkpoint is written${stream ? ' (--stream)' : ''}: the previous checkpoint loads, and axonal resume gives the uninterrupted run's files byte for byte`, async () => {
      const tag = stream ? 's' : 'n';
      const ref = join(dir, `ref-${tag}`), out = join(dir, `out-${tag}`), ck = join(dir, `run-${tag}.snap`);
      const common = ['--duration', '60', '--threads', '1', '-q', ...(stream ? ['--stream', '--chunk', '7'] : [])];
      const r0 = axonal('run', model, '--out', ref, ...common);
      expect(r0.status, r0.stderr).toBe(0);
      let killed = { tmpLeft: false };
      for (let attempt = 0; attempt < 3 && !killed.tmpLeft; attempt++) {
        rmSync(out, { recursive: true, force: true });
        killed = await killDuringCheckpoint(['run', model, '--out', out, ...common, '--checkpoint', ck, '--checkpoint-every', '4'], ck, 3);
      }
      // the kill hit a checkpoint being written: its temporary is there, half written
      expect(killed.tmpLeft).toBe(true);
      const sim = await Simulation.load(ck, { threads: 1 });
      const step = sim.step, t = sim.time;
      sim.dispose();
      // a checkpoint every 4 ms = 40 steps: the second or a later one (the third was being written)
      expect(step % 40).toBe(0);
      expect(step).toBeGreaterThanOrEqual(80);
      expect(step).toBeLessThan(600);
      // resumed on another backend and thread count, into the run's own folder
      const r = axonal('resume', ck, '--backend', 'js', '--threads', '2', '-q');
      expect(r.status, r.stderr).toBe(0);
      expect(files(out)).toEqual(files(ref));
      const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      const s0 = JSON.parse(readFileSync(join(ref, 'summary.json'), 'utf8'));
      expect(s.completed).toBe(true);
      expect([s.steps, s.spikes, s.synaptic_events, s.rates_hz]).toEqual([s0.steps, s0.spikes, s0.synaptic_events, s0.rates_hz]);
      expect(s.resumed_from).toMatchObject({ t_ms: t, appended: true });
      // the next checkpoint removed the killed process's temporary
      expect(readdirSync(dir).filter((f) => f.startsWith(`run-${tag}.snap.tmp-`))).toEqual([]);
    }, 300_000);
  }

  it('axonal info describes a snapshot; a corrupted one is an error naming the file', () => {
    const ck = join(dir, 'run-n.snap');
    const r = axonal('info', ck);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/axonal snapshot \(format 1, written by axonal /);
    expect(r.stdout).toMatch(/checksum: ok/);
    expect(r.stdout).toMatch(/at step 600 \(t = 60 ms\)/);
    expect(r.stdout).toMatch(/8000 neurons, \d+ synapses; [\d.]+ MiB \([\d,]+ bytes\), [\d.]+ bytes per synapse/);
    expect(r.stdout).toMatch(/projections: EE \(\d+ synapses\), EI/);
    const j = JSON.parse(axonal('info', ck, '--json').stdout);
    expect(j.t_ms).toBe(60);
    expect(j.checksum_ok).toBe(true);
    const bytes = readFileSync(ck);
    bytes[bytes.length - 100] ^= 1;
    const bad = join(dir, 'bad.snap');
    writeFileSync(bad, bytes);
    const rb = axonal('info', bad);
    expect(rb.status).toBe(1);
    expect(rb.stderr).toMatch(/bad\.snap: corrupted snapshot: its checksum does not match/);
    const rr = axonal('resume', bad, '-q');
    expect(rr.status).toBe(1);
    expect(rr.stderr).toMatch(/bad\.snap: corrupted snapshot: its checksum is 0x[0-9a-f]+, the bytes give 0x[0-9a-f]+/);
    expect(axonal('info', join(root, 'examples/cuba.json')).stderr).toMatch(/not an axonal snapshot/);
  });

  it('resume with another --out writes fresh files; a finished run needs --duration to go on', () => {
    const ck = join(dir, 'run-n.snap');
    const again = axonal('resume', ck, '-q');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/ended at t = 60 ms; give --duration <ms> to run on from there/);
    const fresh = join(dir, 'fresh');
    const r = axonal('resume', ck, '--duration', '10', '--out', fresh, '--checkpoint', join(dir, 'fresh.snap'), '-q');
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(fresh, 'summary.json'), 'utf8'));
    expect(s.duration_ms).toBe(70);
    expect(s.resumed_from.appended).toBe(false);
    // the checkpoint at 60 ms held no pending spikes (the run wrote them): the fresh file has those after 60 ms only
    const rows = readFileSync(join(fresh, 'spikes.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(Math.min(...rows.map((l) => Number(l.split(',')[0])))).toBeGreaterThanOrEqual(60);
  });

  it('Ctrl-C (SIGINT) writes a checkpoint; resuming it gives the uninterrupted files', async () => {
    const out = join(dir, 'int'), ck = join(dir, 'int.snap');
    const child = spawn(process.execPath, [bin, 'run', model, '--out', out, '--duration', '60', '--threads', '1', '-q', '--stream', '--chunk', '1', '--checkpoint', ck], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    // once the first chunk is written, interrupt
    await new Promise<void>((resolve) => {
      const poll = () => (existsSync(join(out, 'spikes.csv')) && readFileSync(join(out, 'spikes.csv'), 'utf8').split('\n').length > 3 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code, err).toBe(130);
    expect(err).toMatch(/stopped by SIGINT at t = [\d.]+ ms of 60 ms; .*axonal resume .*int\.snap continues it/);
    const r = axonal('resume', ck, '-q');
    expect(r.status, r.stderr).toBe(0);
    expect(files(out)).toEqual(files(join(dir, 'ref-s')));
  }, 120_000);

  it('a checkpoint that cannot be written stops the run with the error, keeping the records', () => {
    const out = join(dir, 'nodir');
    const r = axonal('run', 'examples/cuba.json', '--out', out, '--duration', '30', '-q', '--checkpoint', join(dir, 'missing', 'x.snap'), '--checkpoint-every', '10');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/missing\/x\.snap\.tmp-\d+/);
    expect(r.stderr).toMatch(/ENOENT/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.completed).toBe(false);
    expect(s.error).toMatch(/ENOENT/);
    expect(readFileSync(join(out, 'spikes.csv'), 'utf8')).toMatch(/^t_ms,population,index\n/);
    expect(axonal('run', 'examples/cuba.json', '--checkpoint-every', '10').stderr).toMatch(/--checkpoint-every needs --checkpoint <file>/);
    expect(axonal('run', 'examples/cuba.json', '--checkpoint', join(dir, 'y.snap'), '--checkpoint-every', '0.05').stderr).toMatch(/--checkpoint-every: 0.05 ms is not a whole number of steps/);
  });
});
