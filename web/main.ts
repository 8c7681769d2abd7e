/**
 * The demo page: picks a model, runs it in a Web Worker (web/sim-worker.ts), draws the spikes of
 * the last window of model time as a raster over the binned population rates, and sends the live
 * controls (Poisson input rate, weight factors) to the worker while it runs.
 */
import type { Features, FromWorker, ModelInfo, StartMessage, ToWorker } from './protocol.ts';
import { PALETTE } from '../src/plot/raster.ts';

interface ModelEntry {
  id: string;
  title: string;
  description: string;
  file: string;
  /** top of the input rate slider, Hz */
  inputRateMax?: number;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  model: $<HTMLSelectElement>('model'),
  description: $('model-description'),
  restartHint: $('restart-hint'),
  backend: $<HTMLSelectElement>('backend'),
  threads: $<HTMLSelectElement>('threads'),
  duration: $<HTMLInputElement>('duration'),
  pace: $<HTMLSelectElement>('pace'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  inputRate: $<HTMLInputElement>('input-rate'),
  inputRateValue: $<HTMLOutputElement>('input-rate-value'),
  inputRateRow: $('input-rate-row'),
  inputRateNone: $('input-rate-none'),
  weightSliders: $('weight-sliders'),
  json: $<HTMLTextAreaElement>('model-json'),
  custom: $<HTMLDetailsElement>('custom'),
  loadCustom: $<HTMLButtonElement>('load-custom'),
  file: $<HTMLInputElement>('model-file'),
  state: $('state'),
  time: $('model-time'),
  speed: $('speed'),
  spikeCount: $('spike-count'),
  backendInfo: $('backend-info'),
  buildTime: $('build-time'),
  compileRow: $('compile-row'),
  compileTime: $('compile-time'),
  rates: $('rates'),
  errors: $('errors'),
  errorsTitle: $('errors-title'),
  errorList: $('error-list'),
  canvas: $<HTMLCanvasElement>('raster'),
  window: $<HTMLSelectElement>('window'),
  subsample: $('subsample-note'),
  env: $('env'),
};

// ---------------------------------------------------------------------------------------------
// Spikes of the display window, per population (steps and indices, oldest first)
// ---------------------------------------------------------------------------------------------

class PopSpikes {
  steps = new Int32Array(4096);
  idx = new Int32Array(4096);
  start = 0;
  end = 0;
  push(steps: Int32Array, idx: Int32Array, stride: number) {
    const need = this.end + steps.length;
    if (need > this.steps.length) {
      // compact, then grow if still needed
      const live = this.end - this.start;
      const cap = Math.max(this.steps.length, 2 * (live + steps.length));
      const s = new Int32Array(cap);
      const i = new Int32Array(cap);
      s.set(this.steps.subarray(this.start, this.end));
      i.set(this.idx.subarray(this.start, this.end));
      this.steps = s;
      this.idx = i;
      this.start = 0;
      this.end = live;
    }
    for (let k = 0; k < steps.length; k++) {
      if (stride > 1 && idx[k] % stride !== 0) continue;
      this.steps[this.end] = steps[k];
      this.idx[this.end] = idx[k];
      this.end++;
    }
  }
  dropBefore(step: number) {
    while (this.start < this.end && this.steps[this.start] < step) this.start++;
  }
}

/** Spike counts per bin for the rate traces (a ring of bins keyed by absolute bin index). */
class Bins {
  counts: Float64Array;
  tags: Float64Array;
  constructor(readonly n: number) {
    this.counts = new Float64Array(n);
    this.tags = new Float64Array(n).fill(-1);
  }
  add(bin: number, c = 1) {
    const k = bin % this.n;
    if (this.tags[k] !== bin) {
      this.tags[k] = bin;
      this.counts[k] = 0;
    }
    this.counts[k] += c;
  }
  get(bin: number) {
    const k = bin % this.n;
    return this.tags[k] === bin ? this.counts[k] : 0;
  }
}

const state = {
  models: [] as ModelEntry[],
  features: null as Features | null,
  info: null as ModelInfo | null,
  running: false,
  step: 0,
  t: 0,
  runSeconds: 0,
  totals: [] as number[],
  spikes: [] as PopSpikes[],
  bins: [] as Bins[],
  binSteps: 1,
  stride: 1,
  dirty: false,
  /** the model text the live controls were set up for */
  lastModelText: '',
  pending: null as { text: string; model: unknown } | null,
};

const worker = new Worker(new URL('./sim-worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      state.features = m.features;
      describeEnvironment(m.features);
      break;
    case 'invalid':
      showErrors(
        `The model is not valid: ${m.issues.length} error${m.issues.length > 1 ? 's' : ''}` +
          (m.running ? ' (the previous network keeps running)' : ' (nothing was started)'),
        m.issues.map((i) => [i.path || '(model)', i.message]),
        state.pending?.model,
      );
      if (!m.running) setState('idle');
      break;
    case 'error':
      if (!m.running) resetStatus();
      showErrors(
        `${ERROR_TITLES[m.name] ?? 'The model could not be started'}${m.running ? ' (the previous network keeps running)' : ' (nothing was started)'}`,
        m.issues?.length ? m.issues.map((i) => [i.path, i.message]) : m.message.split('\n').map((l) => ['', l]),
        state.pending?.model,
      );
      if (!m.running) setState('idle');
      break;
    case 'started':
      onStarted(m.info);
      break;
    case 'chunk':
      onChunk(m);
      break;
    case 'done':
      state.running = false;
      setState(m.reason, m.message);
      if (m.reason === 'error' && m.message) showErrors('The run stopped with an error', [['', m.message]]);
      break;
    case 'applied':
      break;
  }
};
worker.onerror = (e) => showErrors('The simulation worker failed', [['', e.message || 'unknown error']]);

/** 2 → "2nd", 32 → "32nd", 11 → "11th". */
function ordinal(n: number): string {
  const t = n % 100;
  const suffix = t >= 11 && t <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** What went wrong, by the engine's error class, for the error box's title. */
const ERROR_TITLES: Record<string, string> = {
  ModelError: 'The model cannot be built here',
  SimulationError: 'The run failed',
};

/** After a failed start with nothing running: no stale backend, time or counts from an earlier run. */
function resetStatus() {
  state.info = null;
  ui.time.textContent = '0';
  ui.spikeCount.textContent = '0';
  ui.speed.textContent = '–';
  ui.backendInfo.textContent = '–';
  ui.backendInfo.title = '';
  ui.buildTime.textContent = '–';
}

function setState(s: string, detail?: string) {
  ui.state.textContent = s;
  ui.state.dataset.state = s;
  ui.state.title = detail ?? '';
  ui.stop.disabled = !(s === 'running' || s === 'building');
}

/**
 * The value at `path` (as the validator writes it: `models.cuba.equations`,
 * `populations[0].model.threshold`) in the parsed model, or undefined.
 */
function valueAt(model: unknown, path: string): unknown {
  let v: any = model;
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = m[2] !== undefined ? v[Number(m[2])] : v[m[1]];
  }
  return v;
}

/** An error of equations: `line L, column C: message` (the engine's form, src/equations/population.ts equationIssues). */
const POSITION = /^line (\d+)(?:, column (\d+))?: /;

/**
 * Every issue as a list item: its path, and for an error inside equations (or a threshold, reset,
 * ...) the line and column set apart, then the line of the field's text with a caret under the
 * column (the text is a JSON string in the editor, where its lines are \n escapes).
 */
function showErrors(title: string, items: [string, string][], model?: unknown) {
  ui.errors.hidden = false;
  ui.errorsTitle.textContent = title;
  ui.errorList.replaceChildren(
    ...items.map(([path, msg]) => {
      const li = document.createElement('li');
      const pos = POSITION.exec(msg);
      if (!path) {
        li.textContent = msg;
        return li;
      }
      const c = document.createElement('code');
      c.textContent = path;
      if (!pos) {
        li.append(c, `: ${msg}`);
        return li;
      }
      const line = Number(pos[1]);
      const column = pos[2] ? Number(pos[2]) : 0;
      const where = document.createElement('b');
      where.className = 'where';
      where.textContent = pos[0].slice(0, -2);
      li.dataset.line = String(line);
      if (column) li.dataset.column = String(column);
      li.append(c, ' — ', where, `: ${msg.slice(pos[0].length)}`);
      const text = valueAt(model, path);
      const src = typeof text === 'string' ? text.split(/\r?\n/)[line - 1] : undefined;
      if (src !== undefined) {
        const pre = document.createElement('pre');
        pre.className = 'excerpt';
        const gutter = `${line} | `;
        // the caret under the column (tabs kept, so that it lines up in any tab width)
        const pad = src.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, ' ');
        pre.textContent = `${gutter}${src}` + (column ? `\n${' '.repeat(gutter.length)}${pad}^` : '');
        li.append(pre);
      }
      return li;
    }),
  );
}

function clearErrors() {
  ui.errors.hidden = true;
  ui.errorList.replaceChildren();
}

function describeEnvironment(f: Features) {
  const simdOpt = ui.backend.querySelector<HTMLOptionElement>('option[value=wasm]')!;
  simdOpt.textContent = f.wasm ? `WebAssembly (${f.simd ? 'SIMD' : 'scalar'})` : 'WebAssembly (not available)';
  if (!f.wasm) {
    ui.backend.value = 'js';
    ui.backend.querySelectorAll('option').forEach((o) => (o.disabled = o.value.startsWith('wasm')));
  }
  const threadsOk = f.crossOriginIsolated && f.sharedArrayBuffer;
  // 'auto', 1, and 2 … the cores the browser reports (no more: a thread per core is the most that helps)
  for (let t = 2; t <= f.cores; t++) {
    const o = document.createElement('option');
    o.value = String(t);
    o.textContent = String(t);
    ui.threads.append(o);
  }
  ui.threads.querySelectorAll('option').forEach((o) => (o.disabled = o.value !== '1' && o.value !== 'auto' && !threadsOk));
  ui.env.textContent =
    `WebAssembly ${f.wasm ? 'yes' : 'no'}, SIMD ${f.simd ? 'yes' : 'no'}; ` +
    `threads ${threadsOk ? 'available' : 'not available (the page is not cross-origin isolated)'}; ${f.cores} logical cores. ` +
    `One WebAssembly memory holds at most 4 GiB (browsers may allow less); a larger model is refused before anything is allocated.`;
}

// ---------------------------------------------------------------------------------------------
// Models and controls
// ---------------------------------------------------------------------------------------------

async function loadModels() {
  const res = await fetch('models/index.json');
  state.models = (await res.json()) as ModelEntry[];
  ui.model.replaceChildren(
    ...state.models.map((m) => new Option(m.title, m.id)),
    new Option('custom (edit the JSON below)', 'custom'),
  );
  await selectModel(state.models[0].id);
}

async function selectModel(id: string) {
  ui.model.value = id;
  const entry = state.models.find((m) => m.id === id);
  if (!entry) {
    ui.description.textContent =
      'Your own model: edit, paste or drop a JSON model file below, then run it. Built-in neuron models or models from equations ' +
      '(models: { name: { equations, threshold, reset, refractory, method, parameters } }, Brian2\'s strings; projections into them say on_pre, e.g. "ge += w").';
    ui.custom.open = true;
    return;
  }
  ui.description.textContent = entry.description;
  ui.description.classList.remove('open');
  ui.model.title = entry.title;
  const text = await (await fetch(entry.file)).text();
  ui.json.value = text;
  state.lastModelText = text;
  prepareControls(JSON.parse(text), entry.inputRateMax);
}

interface ProjLike {
  source: string;
  target: string;
}

/** Sliders for this model: the Poisson input rate, and weight factors by source type. */
function prepareControls(model: any, inputRateMax?: number) {
  const inputs = Array.isArray(model?.inputs) ? model.inputs.filter((i: any) => i?.type === 'poisson') : [];
  ui.inputRateRow.hidden = inputs.length === 0;
  ui.inputRateNone.hidden = inputs.length > 0;
  if (inputs.length) {
    const r = Number(inputs[0].rate) || 0;
    ui.inputRate.max = String(inputRateMax ?? Math.max(5000, Math.ceil(r * 4)));
    ui.inputRate.step = String(Number(ui.inputRate.max) / 500);
    ui.inputRate.value = String(r);
    ui.inputRateValue.textContent = String(r);
  }
  const types = new Map<string, string | undefined>((model?.populations ?? []).map((p: any) => [p?.name, p?.type]));
  const groups = new Map<string, number>();
  const projections: ProjLike[] = Array.isArray(model?.projections) ? model.projections : [];
  for (const p of projections) {
    const t = types.get(p?.source);
    const g = t === 'excitatory' ? 'excitatory' : t === 'inhibitory' ? 'inhibitory' : 'all';
    groups.set(g, (groups.get(g) ?? 0) + 1);
  }
  ui.weightSliders.replaceChildren(
    ...[...groups.entries()].map(([g, count]) => {
      const label = document.createElement('label');
      const out = document.createElement('output');
      out.textContent = '1.00';
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', min: '0.1', max: '3', step: '0.05', value: '1' });
      input.id = `weights-${g}`;
      input.dataset.group = g;
      label.title = `${count} projection${count > 1 ? 's' : ''}`;
      label.append(`${g === 'all' ? 'Synaptic' : g[0].toUpperCase() + g.slice(1)} weights × `, out, input);
      input.addEventListener('input', () => {
        out.textContent = Number(input.value).toFixed(2);
        scheduleControls();
      });
      return label;
    }),
  );
}

function weightFactors(): Record<string, number> {
  const f: Record<string, number> = {};
  ui.weightSliders.querySelectorAll<HTMLInputElement>('input[type=range]').forEach((input) => (f[input.dataset.group!] = Number(input.value)));
  return f;
}

let controlsPending = false;
function scheduleControls() {
  if (controlsPending) return;
  controlsPending = true;
  requestAnimationFrame(() => {
    controlsPending = false;
    if (!state.running) return;
    if (!ui.inputRateRow.hidden) send({ type: 'setInputRate', rateHz: Number(ui.inputRate.value) });
    send({ type: 'setWeights', factors: weightFactors() });
  });
}

function start(text: string) {
  clearErrors();
  let model: unknown;
  try {
    model = JSON.parse(text);
  } catch (e) {
    showErrors(`The model is not valid JSON${state.running ? ' (the previous network keeps running)' : ''}`, [['', (e as Error).message]]);
    return;
  }
  // the sliders belong to the model they were set up for: a different model starts with its own values
  const same = text === state.lastModelText;
  state.pending = { text, model };
  const b = ui.backend.value;
  const msg: StartMessage = {
    type: 'start',
    model,
    backend: b === 'js' ? 'js' : 'wasm',
    variant: b === 'wasm-scalar' ? 'scalar' : undefined,
    threads: ui.threads.value === 'auto' ? 'auto' : Number(ui.threads.value) || 1,
    durationMs: Math.max(0, Number(ui.duration.value) || 0),
    pace: Number(ui.pace.value),
    inputRateHz: same && !ui.inputRateRow.hidden ? Number(ui.inputRate.value) : undefined,
    weightFactors: same ? weightFactors() : undefined,
  };
  if (!state.running) setState('building');
  send(msg);
}

function onStarted(info: ModelInfo) {
  clearErrors();
  ui.restartHint.hidden = true;
  const p = state.pending;
  if (p && p.text !== state.lastModelText) {
    state.lastModelText = p.text;
    prepareControls(p.model);
  }
  state.info = info;
  state.running = true;
  state.step = 0;
  state.t = 0;
  state.runSeconds = 0;
  state.totals = info.populations.map(() => 0);
  // at most 10,000 raster rows: every k-th neuron beyond that
  state.stride = 1;
  while (info.neurons / state.stride > 10_000) state.stride *= 2;
  ui.subsample.textContent = state.stride > 1 ? `Raster shows every ${ordinal(state.stride)} neuron (rates use every spike).` : '';
  state.spikes = info.populations.map(() => new PopSpikes());
  state.binSteps = Math.max(1, Math.round(5 / info.dt));
  const nb = Math.ceil(4000 / info.dt / state.binSteps) + 4;
  state.bins = info.populations.map(() => new Bins(nb));
  ui.backendInfo.textContent =
    (info.backend === 'js' ? 'js' : `${info.backend} (${info.variant})`) +
    (info.threads > 1 ? `, ${info.threads} threads` : ', 1 thread') + (info.threadsAuto ? ' (auto)' : '');
  ui.backendInfo.title = info.threadsReason ?? '';
  ui.buildTime.textContent = formatSeconds(info.buildSeconds);
  ui.buildTime.dataset.seconds = String(info.buildSeconds);
  ui.buildTime.title = 'Simulation.create: validation, connectivity, memory layout' + (info.fromEquations ? ', compiling the equations' : '');
  ui.compileRow.hidden = !info.fromEquations;
  ui.compileTime.textContent = info.fromEquations ? formatSeconds(info.compileSeconds) : '–';
  ui.compileTime.dataset.seconds = String(info.fromEquations ? info.compileSeconds : 0);
  ui.rates.replaceChildren(
    ...info.populations.map((p, k) => {
      const s = document.createElement('span');
      s.className = 'rate';
      s.dataset.pop = p.name;
      s.dataset.rate = '0';
      s.innerHTML = `<span class="swatch" style="background:${PALETTE[k % PALETTE.length]}"></span>`;
      s.append(`${p.name} (${p.size.toLocaleString('en-US')}): `);
      const b = document.createElement('b');
      b.textContent = '0.0';
      s.append(b, ' Hz');
      return s;
    }),
  );
  setState('running');
  // show the new run's time and rates at once: until the next frame the status line would still
  // show the previous run's final time (and a reader of it would take the old numbers for new ones)
  updateStatus();
  state.dirty = true;
}

function formatSeconds(s: number): string {
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms`;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

function onChunk(m: Extract<FromWorker, { type: 'chunk' }>) {
  if (!state.info) return;
  state.step = m.step;
  state.t = m.t;
  state.runSeconds = m.runSeconds;
  state.totals = m.totals;
  m.spikes.forEach((s, k) => {
    state.spikes[k].push(s.steps, s.i, state.stride);
    const bins = state.bins[k];
    const bs = state.binSteps;
    for (let j = 0; j < s.steps.length; j++) bins.add(Math.floor(s.steps[j] / bs));
  });
  const windowSteps = Math.round(Number(ui.window.value) / state.info.dt);
  for (const p of state.spikes) p.dropBefore(state.step - windowSteps);
  state.dirty = true;
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

const W = 960;
const H = 540;
const RASTER = { x: 60, y: 12, w: 860, h: 370 };
const RATE = { x: 60, y: 398, w: 860, h: 96 };

function niceStep(span: number, n: number) {
  const raw = span / n;
  const e = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * e).find((s) => s >= raw) ?? 10 * e;
}

function draw() {
  const ctx = ui.canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  if (ui.canvas.width !== W * dpr) {
    ui.canvas.width = W * dpr;
    ui.canvas.height = H * dpr;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
  const info = state.info;
  const winMs = Number(ui.window.value);
  const tEnd = Math.max(state.t, winMs);
  const tStart = tEnd - winMs;
  const xOf = (t: number) => RASTER.x + ((t - tStart) / winMs) * RASTER.w;

  // frames and time axis
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1;
  ctx.strokeRect(RASTER.x + 0.5, RASTER.y + 0.5, RASTER.w, RASTER.h);
  ctx.strokeRect(RATE.x + 0.5, RATE.y + 0.5, RATE.w, RATE.h);
  ctx.fillStyle = '#000';
  ctx.textAlign = 'center';
  const step = niceStep(winMs, 8);
  for (let v = Math.ceil(tStart / step) * step; v <= tEnd + 1e-9; v += step) {
    const x = Math.round(xOf(v)) + 0.5;
    for (const yb of [RASTER.y + RASTER.h, RATE.y + RATE.h]) {
      ctx.beginPath();
      ctx.moveTo(x, yb);
      ctx.lineTo(x, yb + 4);
      ctx.stroke();
    }
    ctx.fillText(String(+v.toFixed(3)), x, RATE.y + RATE.h + 16);
  }
  ctx.fillText('time (ms)', RATE.x + RATE.w / 2, RATE.y + RATE.h + 30);
  ctx.save();
  ctx.translate(14, RASTER.y + RASTER.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('neuron', 0, 0);
  ctx.restore();
  ctx.save();
  ctx.translate(14, RATE.y + RATE.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('rate (Hz)', 0, 0);
  ctx.restore();
  if (!info) return;

  // raster: population 0 at the bottom, band heights proportional to size (at least 6%)
  const n = info.populations.length;
  const minShare = Math.min(0.06, 1 / n);
  let shares = info.populations.map((p) => Math.max(minShare, p.size / info.neurons));
  const sum = shares.reduce((a, b) => a + b, 0);
  shares = shares.map((s) => s / sum);
  let yb = RASTER.y + RASTER.h;
  let cum = 0;
  let yLastLabel = yb;
  const dt = info.dt;
  const markW = Math.max(1, Math.min(2, (dt / winMs) * RASTER.w));
  info.populations.forEach((p, k) => {
    const h = shares[k] * RASTER.h;
    const top = yb - h;
    const store = state.spikes[k];
    const rowH = h / p.size;
    const markH = Math.max(1, Math.min(3, rowH));
    ctx.fillStyle = PALETTE[k % PALETTE.length];
    for (let j = store.start; j < store.end; j++) {
      const x = xOf(store.steps[j] * dt);
      if (x < RASTER.x) continue;
      ctx.fillRect(x, yb - (store.idx[j] + 1) * rowH, markW, markH);
    }
    if (k > 0) {
      ctx.strokeStyle = '#aaa';
      ctx.beginPath();
      ctx.moveTo(RASTER.x, Math.round(yb) + 0.5);
      ctx.lineTo(RASTER.x + RASTER.w, Math.round(yb) + 0.5);
      ctx.stroke();
    }
    ctx.textAlign = 'left';
    ctx.fillText(p.name, RASTER.x + RASTER.w + 6, (top + yb) / 2 + 4);
    ctx.fillStyle = '#000';
    ctx.textAlign = 'right';
    // the left axis counts neurons across the stacked bands: 0 at the bottom, each band's upper
    // edge at its cumulative count (skipped where it would touch the label below it)
    if (k === 0) ctx.fillText('0', RASTER.x - 4, yb);
    cum += p.size;
    if (yLastLabel - top >= 14) {
      ctx.fillText(cum.toLocaleString('en-US'), RASTER.x - 4, top + 10);
      yLastLabel = top;
    }
    yb = top;
  });

  // rates: 5 ms bins over the window (complete bins only)
  const bs = state.binSteps;
  const binMs = bs * dt;
  const lastBin = Math.floor(state.step / bs) - 1;
  const firstBin = Math.max(0, Math.ceil(tStart / binMs));
  const series = info.populations.map((p, k) => {
    const pts: [number, number][] = [];
    for (let b = firstBin; b <= lastBin; b++) pts.push([b * binMs, (state.bins[k].get(b) * 1000) / (p.size * binMs)]);
    return pts;
  });
  let rMax = 1;
  for (const s of series) for (const [, r] of s) rMax = Math.max(rMax, r);
  const rStep = niceStep(rMax, 3);
  const rTop = Math.ceil(rMax / rStep) * rStep;
  ctx.textAlign = 'right';
  ctx.fillStyle = '#000';
  for (let v = 0; v <= rTop + 1e-9; v += rStep) {
    const y = RATE.y + RATE.h - (v / rTop) * RATE.h;
    ctx.fillText(String(+v.toFixed(3)), RATE.x - 4, y + 4);
  }
  series.forEach((pts, k) => {
    ctx.strokeStyle = PALETTE[k % PALETTE.length];
    ctx.lineWidth = 1.3;
    ctx.beginPath();
    pts.forEach(([t, r], j) => {
      const x0 = xOf(t);
      const x1 = xOf(t + binMs);
      const y = RATE.y + RATE.h - (r / rTop) * RATE.h;
      if (j === 0) ctx.moveTo(x0, y);
      else ctx.lineTo(x0, y);
      ctx.lineTo(x1, y);
    });
    ctx.stroke();
  });
}

function updateStatus() {
  const info = state.info;
  ui.time.textContent = state.t.toFixed(1);
  const total = state.totals.reduce((a, b) => a + b, 0);
  ui.spikeCount.textContent = total.toLocaleString('en-US');
  ui.spikeCount.dataset.count = String(total);
  if (state.runSeconds > 0 && state.t > 0) {
    const x = state.t / 1000 / state.runSeconds;
    const pace = Number(ui.pace.value);
    // the engine's own speed; the Speed setting only paces what is drawn
    ui.speed.textContent = `computes ${x >= 10 ? x.toFixed(1) : x.toFixed(2)}× real time` + (pace > 0 && state.running ? `, drawn at ${pace}× (the Speed setting)` : '');
    ui.speed.dataset.speed = String(x);
  }
  if (!info) return;
  // recent rate per population: the last 200 ms of complete bins
  const bs = state.binSteps;
  const binMs = bs * info.dt;
  const lastBin = Math.floor(state.step / bs) - 1;
  const nb = Math.max(1, Math.min(lastBin + 1, Math.round(200 / binMs)));
  info.populations.forEach((p, k) => {
    let c = 0;
    for (let b = lastBin - nb + 1; b <= lastBin; b++) if (b >= 0) c += state.bins[k]?.get(b) ?? 0;
    const r = lastBin >= 0 ? (c * 1000) / (p.size * nb * binMs) : 0;
    const el = ui.rates.querySelector<HTMLElement>(`[data-pop="${CSS.escape(p.name)}"]`);
    if (el) {
      el.dataset.rate = r.toFixed(3);
      el.querySelector('b')!.textContent = r.toFixed(1);
    }
  });
}

function frame() {
  if (state.dirty) {
    state.dirty = false;
    draw();
    updateStatus();
  }
  requestAnimationFrame(frame);
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

ui.run.addEventListener('click', () => start(ui.json.value));
ui.loadCustom.addEventListener('click', () => start(ui.json.value));
ui.stop.addEventListener('click', () => send({ type: 'stop' }));
ui.model.addEventListener('change', async () => {
  await selectModel(ui.model.value);
  if (state.running && ui.model.value !== 'custom') start(ui.json.value);
});
ui.json.addEventListener('input', () => {
  if (ui.model.value !== 'custom') ui.model.value = 'custom';
});
ui.inputRate.addEventListener('input', () => {
  ui.inputRateValue.textContent = ui.inputRate.value;
  scheduleControls();
});
ui.pace.addEventListener('change', () => send({ type: 'pace', pace: Number(ui.pace.value) }));
// backend and threads take effect at the next start: say so when they change under a running network
for (const el of [ui.backend, ui.threads]) el.addEventListener('change', () => (ui.restartHint.hidden = !state.running));
ui.description.addEventListener('click', () => ui.description.classList.add('open'));
ui.window.addEventListener('change', () => (state.dirty = true));

async function openFile(f: File) {
  ui.json.value = await f.text();
  ui.model.value = 'custom';
  ui.custom.open = true;
  start(ui.json.value);
}
ui.file.addEventListener('change', () => {
  const f = ui.file.files?.[0];
  if (f) void openFile(f);
});
for (const target of [ui.json, document.body]) {
  target.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.json.classList.add('drop');
  });
  target.addEventListener('dragleave', () => ui.json.classList.remove('drop'));
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.json.classList.remove('drop');
    const f = (e as DragEvent).dataTransfer?.files?.[0];
    if (f) void openFile(f);
  });
}

draw();
requestAnimationFrame(frame);
loadModels().catch((e) => showErrors('Cannot load the example models', [['', String(e)]]));
