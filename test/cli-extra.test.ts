/**
 * The command line beyond run/validate basics: --stream (identical spikes.csv, bounded memory, a
 * run stopped by SIGINT or by an error keeps what it recorded), --plot (SVG and PNG), --dry-run,
 * --threads, the progress bar (TTY only), info, --help of every command, and exit codes.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvRowPieces, csvRows as toCsvRows } from '../src/plot/spikes.ts';
import { RasterCollector, rasterSvg, niceTicks } from '../src/plot/raster.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const tmp = mkdtempSync(join(tmpdir(), 'axonal-cli-extra-'));

function axonal(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...opts.env } });
}

function writeModel(name: string, spec: unknown): string {
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(spec));
  return f;
}

const csvRows = (s: string) => s.trim().split('\n').length - 1;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli.cjs')) || !existsSync(join(root, 'build/axonal.simd.wasm')))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
});

describe('axonal run --stream', () => {
  it('writes the same spikes.csv as a run that writes it at the end, byte for byte', () => {
    const a = join(tmp, 'end');
    const b = join(tmp, 'streamed');
    const r1 = axonal(['run', 'examples/cuba.json', '--duration', '400', '--threads', '1', '--out', a, '--quiet']);
    expect(r1.status, r1.stderr).toBe(0);
    // an odd chunk size, so that chunk boundaries fall anywhere
    const r2 = axonal(['run', 'examples/cuba.json', '--duration', '400', '--threads', '1', '--out', b, '--stream', '--chunk', '33.3', '--quiet']);
    expect(r2.status, r2.stderr).toBe(0);
    const csvA = readFileSync(join(a, 'spikes.csv'), 'utf8');
    const csvB = readFileSync(join(b, 'spikes.csv'), 'utf8');
    expect(csvRows(csvA)).toBeGreaterThan(1000);
    expect(csvB).toBe(csvA);
    const s = JSON.parse(readFileSync(join(b, 'summary.json'), 'utf8'));
    expect(s.completed).toBe(true);
    expect(s.streamed).toBe(true);
    expect(s.spikes).toBe(csvRows(csvB));
    expect(s.threads).toBe(1);
  });

  it('Ctrl-C (SIGINT) stops the run cleanly: spikes so far kept, summary says completed: false, exit 130', async () => {
    const out = join(tmp, 'interrupted');
    // the js backend and a long duration: the run takes far longer than the time to interrupt it
    const child = spawn(process.execPath, [bin, 'run', 'examples/cuba.json', '--backend', 'js', '--threads', '1', '--duration', '600000', '--stream', '--out', out, '--quiet'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // wait until some chunks were written
    const csv = join(out, 'spikes.csv');
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(csv) && statSync(csv).size > 20_000) break;
    }
    expect(statSync(csv).size).toBeGreaterThan(20_000);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopped by SIGINT/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.completed).toBe(false);
    expect(s.stopped_by).toBe('SIGINT');
    expect(s.steps).toBeGreaterThan(0);
    expect(s.steps).toBeLessThan(6_000_000);
    const text = readFileSync(csv, 'utf8');
    expect(csvRows(text)).toBe(s.spikes);
    // exactly the spikes of a complete run of the same length
    const ref = join(tmp, 'interrupted-ref');
    const r = axonal(['run', 'examples/cuba.json', '--threads', '1', '--duration', String(s.duration_ms), '--out', ref, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(text).toBe(readFileSync(join(ref, 'spikes.csv'), 'utf8'));
  });

  it('a run error keeps what was streamed until then, says completed: false and exits 1', () => {
    // 2 x 2e38 nA arriving in one step overflow the current of "victim" at t = 150 ms
    const model = writeModel('runaway.json', {
      name: 'runaway',
      dt: 0.1,
      duration: 500,
      populations: [
        { name: 'noise', size: 200, model: 'poisson', params: { rate: 50 } },
        { name: 'src', size: 2, model: 'spike_generator', params: { spike_times: [[150], [150]] } },
        { name: 'victim', size: 3, model: 'lif', synapse: 'exp', params: { v_reset: -65 } },
      ],
      projections: [{ source: 'src', target: 'victim', connect: { rule: 'all_to_all' }, weight: 2e38, delay: 0.1 }],
    });
    const out = join(tmp, 'runaway');
    const r = axonal(['run', model, '--stream', '--chunk', '20', '--threads', '1', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/victim/);
    expect(r.stderr).toMatch(/completed": false/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.completed).toBe(false);
    expect(s.error).toMatch(/victim/);
    const text = readFileSync(join(out, 'spikes.csv'), 'utf8');
    const rows = text.trim().split('\n').slice(1);
    expect(rows.length).toBe(s.spikes);
    expect(rows.length).toBeGreaterThan(500); // ~200 neurons × 50 Hz × 0.15 s
    const last = Number(rows[rows.length - 1].split(',')[0]);
    expect(last).toBeGreaterThan(140);
    expect(last).toBeLessThan(160);
  });

  it('--stream with --no-spikes streams the other monitors and writes no spikes.csv', () => {
    const out = join(tmp, 'nospikes');
    const r = axonal(['run', 'examples/cuba.json', '--duration', '50', '--threads', '1', '--stream', '--no-spikes', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, 'spikes.csv'))).toBe(false);
    // cuba's monitors[2] and [3] are rate monitors: one row per step
    expect(csvRows(readFileSync(join(out, 'rate_2.csv'), 'utf8'))).toBe(500);
  });
});

describe('axonal run --plot', () => {
  it('writes raster.svg and raster.png with axes, units, a legend and one colour per population', () => {
    const out = join(root, 'test-output', 'cli-plot'); // kept, to look at
    const r = axonal(['run', 'examples/cuba.json', '--duration', '300', '--threads', '1', '--out', out, '--plot', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const svg = readFileSync(join(out, 'raster.svg'), 'utf8');
    for (const s of ['neuron index', 'rate (Hz)', 'time (ms)', '>E<', '>I<', 'E (3,200)', 'I (800)', 'bin ']) expect(svg, s).toContain(s);
    expect(svg).not.toMatch(/subsampled/);
    expect(new Set(svg.match(/stroke="#[0-9a-f]{6}" stroke-width="[\d.]+" fill="none"\/>/g)?.map((x) => x.slice(8, 15))).size).toBe(2);
    const png = readFileSync(join(out, 'raster.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1500); // width: 1000 user units × 1.5
    expect(png.readUInt32BE(20)).toBe(1080);
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('subsamples a huge raster and says so on the figure (rates still use every spike)', () => {
    const model = writeModel('many.json', {
      name: 'many', dt: 0.1, duration: 200,
      populations: [{ name: 'P', size: 20000, model: 'poisson', params: { rate: 100 } }],
    });
    const out = join(tmp, 'many');
    const r = axonal(['run', model, '--out', out, '--plot', '--stream', '--threads', '1', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const svg = readFileSync(join(out, 'raster.svg'), 'utf8');
    expect(svg).toMatch(/raster subsampled: every \d+th neuron shown/);
    expect(svg.length).toBeLessThan(6_000_000);
    expect(existsSync(join(out, 'raster.png'))).toBe(true);
  });
});

describe('axonal run --dry-run and --threads', () => {
  it('prints the plan per part and per shard and runs nothing', () => {
    const out = join(tmp, 'dry');
    const r = axonal(['run', 'examples/cuba.json', '--dry-run', '--threads', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/4,000 neurons/);
    expect(r.stdout).toMatch(/2 shards/);
    expect(r.stdout).toMatch(/projection EE/);
    // constant weights and delays: a 16-bit target per synapse, and the row pointers of two shards
    const per = Number(/synapses: ([\d.]+) bytes each, row pointers included/.exec(r.stdout)?.[1]);
    expect(per).toBeGreaterThan(2);
    expect(per).toBeLessThan(2.3);
    expect(r.stdout).toMatch(/^0 +2,000 /m);
    expect(r.stdout).toMatch(/^1 +2,000 /m);
    expect(r.stdout).toMatch(/nothing was allocated or run/);
    expect(existsSync(out)).toBe(false);
  });

  it('--delivery: the plan of a deferred run lists the delivery buckets; an unknown mode is a usage error', () => {
    const deferred = axonal(['run', 'examples/microcircuit.json', '--dry-run', '--threads', '2', '--delivery', 'deferred']);
    expect(deferred.status, deferred.stderr).toBe(0);
    expect(deferred.stdout).toMatch(/delivery buckets/);
    // per-synapse weights and delays: a 16-bit target and a weight per synapse, the row pointers and
    // at most the delay runs (the plan counts their bound: min(synapses, sources x delay values) per shard)
    const per = Number(/synapses: ([\d.]+) bytes each/.exec(deferred.stdout)?.[1]);
    expect(per).toBeGreaterThan(6);
    expect(per).toBeLessThan(6.6);
    const ring = axonal(['run', 'examples/microcircuit.json', '--dry-run', '--threads', '2', '--delivery', 'ring']);
    expect(ring.status, ring.stderr).toBe(0);
    expect(ring.stdout).not.toMatch(/delivery buckets/);
    const bad = axonal(['run', 'examples/cuba.json', '--dry-run', '--delivery', 'later']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--delivery must be auto, ring or deferred, got "later"/);
  });

  it('reports an invalid model with exit 1 in a dry run too', () => {
    const bad = writeModel('bad-dry.json', { dt: -1, populations: [{ name: 'A', size: 0, model: 'lif' }] });
    const r = axonal(['run', bad, '--dry-run']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/dt/);
    expect(r.stderr).toMatch(/populations\[0\]\.size/);
  });

  it('--threads must be an integer >= 1 (usage error otherwise); summary.json records the threads used', () => {
    for (const t of ['0', '-1', '1.5', 'two']) {
      const r = axonal(['run', 'examples/cuba.json', '--threads', t, '--dry-run']);
      expect(r.status, t).toBe(2);
      expect(r.stderr).toMatch(/--threads/);
    }
    const out = join(tmp, 'threads2');
    const r = axonal(['run', 'examples/cuba.json', '--duration', '50', '--threads', '2', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.threads_requested).toBe(2);
    expect(s.threads).toBe(2);
  });
});

describe('progress bar', () => {
  it('is quiet in a pipe', () => {
    const r = axonal(['run', 'examples/cuba.json', '--duration', '100', '--threads', '1', '--out', join(tmp, 'pipe')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/ETA|\r|\x1b\[/);
    expect(r.stdout).toMatch(/spikes \d+/);
    const q = axonal(['run', 'examples/cuba.json', '--duration', '100', '--threads', '1', '--out', join(tmp, 'quiet'), '--quiet']);
    expect(q.stdout).toBe('');
  });

  const script = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));
  it.skipIf(!script)('shows model time, wall time and speed relative to real time on a terminal (via script(1))', () => {
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} run examples/cuba.json --duration 2000 --threads 1 --out ${JSON.stringify(join(tmp, 'tty'))}`;
    const r = spawnSync(script!, ['-qec', cmd, '/dev/null'], { cwd: root, encoding: 'utf8', env: { ...process.env, COLUMNS: '160' } });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/ms model time/);
    expect(r.stdout).toMatch(/x real time/);
    expect(r.stdout).toMatch(/wall/);
    expect(r.stdout).toMatch(/100%/);
    expect(r.stdout).toMatch(/2000 \/ 2000 ms model time/);
  });
});

describe('axonal info and --help', () => {
  it('info prints version, SIMD, threads (worker_threads + SharedArrayBuffer, cores) and memory limits', () => {
    const r = axonal(['info']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^axonal \d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/simd: (yes|no)/);
    expect(r.stdout).toMatch(/threads: (available|not available) \(worker_threads: yes, SharedArrayBuffer: yes\), \d+ cores/);
    expect(r.stdout).toMatch(/4\.00 GiB per WebAssembly memory/);
    expect(r.stdout).toMatch(/machine [\d.]+ GiB total/);
    const j = JSON.parse(axonal(['info', '--json']).stdout);
    expect(j.memory.wasm_memory_bytes).toBe(2 ** 32);
    expect(j.threads.cores).toBeGreaterThan(0);
    expect(typeof j.wasm.simd).toBe('boolean');
  });

  it('every command has --help (exit 0)', () => {
    for (const [cmd, opt] of [['run', '--dry-run'], ['run', '--stream'], ['run', '--plot'], ['run', '--threads'], ['validate', '<model>'], ['info', '--json']]) {
      const r = axonal([cmd, '--help']);
      expect(r.status, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(opt);
    }
    const top = axonal(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/Exit codes/);
    expect(axonal(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exit codes: 2 for an unknown option or a missing argument, 1 for a missing file', () => {
    expect(axonal(['run', 'examples/cuba.json', '--frobnicate']).status).toBe(2);
    expect(axonal(['validate']).status).toBe(2);
    expect(axonal(['run', join(tmp, 'no-such-file.json')]).status).toBe(1);
  });
});

describe('src/plot helpers', () => {
  it('csvRows merges populations by step, then population order, then index; chunks concatenate', () => {
    const i32 = (a: number[]) => Int32Array.from(a);
    const a = { population: 'A', steps: i32([1, 1, 3]), i: i32([0, 5, 2]), count: 3 };
    const b = { population: 'B', steps: i32([0, 1, 3]), i: i32([7, 1, 0]), count: 3 };
    expect(toCsvRows([a, b], 0.1, 1)).toBe('0.0,B,7\n0.1,A,0\n0.1,A,5\n0.1,B,1\n0.3,A,2\n0.3,B,0\n');
    expect(toCsvRows([{ ...a, count: 0 }, { ...b, count: 0 }], 0.1, 1)).toBe('');
    // in pieces of whole steps (what spikes.csv is written in): a piece ends at the first step's end past 10 characters
    expect([...csvRowPieces([a, b], 0.1, 1, 10)]).toEqual(['0.0,B,7\n0.1,A,0\n0.1,A,5\n0.1,B,1\n', '0.3,A,2\n0.3,B,0\n']);
    expect([...csvRowPieces([a, b], 0.1, 1)]).toEqual([toCsvRows([a, b], 0.1, 1)]);
    expect([...csvRowPieces([{ ...a, count: 0 }], 0.1, 1)]).toEqual([]);
  });

  it('RasterCollector thins by powers of two past maxPoints, keeps exact rate counts, and stays bounded', () => {
    const c = new RasterCollector([{ name: 'P', size: 1000 }, { name: 'Q', size: 10 }], { dt: 1, durationMs: 100, binMs: 10, maxPoints: 500 });
    const steps: number[] = [];
    const idx: number[] = [];
    for (let s = 0; s < 100; s++) for (let i = 0; i < 1000; i += 7) (steps.push(s), idx.push(i));
    c.add(0, steps, idx);
    c.add(1, [5, 50], [3, 4]);
    c.finish(100);
    expect(c.total).toBe(steps.length + 2);
    expect(c.kept).toBeLessThanOrEqual(500);
    expect(c.stride).toBeGreaterThan(1);
    expect(Math.log2(c.stride) % 1).toBe(0);
    expect(c.pops[0].bins.slice(0, 10).reduce((x, y) => x + y, 0)).toBe(steps.length);
    const svg = rasterSvg(c, { title: 'T <&>' });
    expect(svg).toContain('T &lt;&amp;&gt;');
    expect(svg).toMatch(new RegExp(`every ${c.stride}th neuron shown`));
    expect(niceTicks(0, 1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
  });
});
