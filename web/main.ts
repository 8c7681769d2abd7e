/**
 * The demo page, in four views that follow the lecture from one neuron to networks (web/router.ts):
 * #neuron and #gates (web/neuron-view.ts, web/gates-view.ts, computed in web/lab-worker.ts), and
 * here #network and #large: pick a model, run it in a Web Worker (web/sim-worker.ts), draw the
 * spikes of the last window of model time as a raster over the binned population rates (colours by
 * E/I type), the membrane potential of a neuron clicked on the raster, the activity map of a sheet
 * of columns, and send the live controls (Poisson input rate, weight factors) to the worker while it runs.
 * Save snapshot downloads the network's whole state (sim.snapshot() in the worker) as a file; Load
 * snapshot continues such a file (Simulation.restore) on the backend and threads chosen here.
 */
import type { Features, FromWorker, GenerateRequest, ModelInfo, ProbeTarget, RestoreMessage, StartMessage, ToWorker } from './protocol.ts';
import { populationColours } from './colours.ts';
import { colormap } from '../src/plot/sheet.ts';
import { axisTicks, niceStep, prepareCanvas, valueTicks, verticalLabel } from './plot.ts';
import { startRouter, writeHash, type ViewName } from './router.ts';
import { createNeuronView } from './neuron-view.ts';
import { createGatesView } from './gates-view.ts';
import { drawSpectrum, spectrumGroups, SPECTRUM_MIN_BINS, type SpectrumGroup } from './spectrum-view.ts';
import type { FromLab, ToLab } from './lab-protocol.ts';

interface ModelEntry {
  id: string;
  title: string;
  description: string;
  file: string;
  /** top of the input rate slider, Hz */
  inputRateMax?: number;
  /** a model the worker generates with the engine's builders (no file) */
  generate?: GenerateRequest;
  /** listed in the #large view (and not in #network when generated) */
  large?: boolean;
}

/** The scaled microcircuit of the #large view: neurons and in-degrees scaled (weights and DC compensate). */
const MICROCIRCUIT_DEFAULT = { scaleN: 0.05, scaleK: 0.25 };
const microcircuitEntry = (scaleN: number, scaleK: number): ModelEntry => ({
  id: 'microcircuit',
  title: 'Microcircuit (Potjans & Diesmann 2014), scaled',
  description:
    `The cortical microcircuit under 1 mm² of surface: layers 2/3, 4, 5, 6, excitatory and inhibitory LIF neurons, connection probabilities from anatomy; ` +
    `here ${scaleN} of the neurons and ${scaleK} of the in-degrees (weights and the DC input compensate), built in the page by microcircuit() from axonal's models.`,
  file: '',
  generate: { kind: 'microcircuit', scaleN, scaleK },
  large: true,
});

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
  saveSnapshot: $<HTMLButtonElement>('save-snapshot'),
  snapshotFile: $<HTMLInputElement>('snapshot-file'),
  restoredRow: $('restored-row'),
  restoredFile: $('restored-file'),
  restoredAt: $('restored-at'),
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
  dale: $('dale-note'),
  probe: $<HTMLCanvasElement>('probe'),
  probeNote: $('probe-note'),
  sheet: $<HTMLCanvasElement>('sheet-map'),
  sheetBox: $('sheet-box'),
  sheetNote: $('sheet-note'),
  spectrum: $<HTMLCanvasElement>('spectrum'),
  spectrumBox: $('spectrum-box'),
  spectrumNote: $('spectrum-note'),
  mcRow: $('microcircuit-scale'),
  mcN: $<HTMLInputElement>('mc-scale-n'),
  mcK: $<HTMLInputElement>('mc-scale-k'),
  introNetwork: $('intro-network'),
  introLarge: $('intro-large'),
  balance: $('balance'),
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
  /** the rhythm view's layer groups, and when (performance.now) it was last drawn */
  spectrumGroups: [] as SpectrumGroup[],
  spectrumAt: -Infinity,
  models: [] as ModelEntry[],
  features: null as Features | null,
  info: null as ModelInfo | null,
  running: false,
  step: 0,
  t: 0,
  /** model time the run started at (a restored snapshot's), ms */
  t0: 0,
  runSeconds: 0,
  totals: [] as number[],
  spikes: [] as PopSpikes[],
  bins: [] as Bins[],
  binSteps: 1,
  /** the first complete bin of the run (after a restored snapshot's step: no data before it) */
  bin0: 0,
  stride: 1,
  dirty: false,
  /** the model text the live controls were set up for */
  lastModelText: '',
  pending: null as { text: string; model: unknown } | null,
  /** the state shown before a snapshot file was sent to the worker: shown again if the file is refused */
  beforeRestore: '',
  /** per population: colour by E/I type (Dale's principle) */
  colours: [] as string[],
  /** raster bands as last drawn, for a click on the raster: population, top and bottom (canvas px), px per neuron */
  bands: [] as { k: number; top: number; bottom: number; rowH: number }[],
  /** the neuron whose state is drawn, its samples (model ms, value) and whether a state monitor records it */
  probe: null as ProbeTarget | null,
  probeT: [] as number[],
  probeY: [] as number[],
  probeVar: '',
  probeExact: false,
  /** the sheet map: columns, counts per 5 ms bin and column (a ring), the populations counted */
  sheet: null as { cx: number; cy: number; perColumn: number[]; ring: Float64Array; tags: Float64Array; nb: number; pops: boolean[]; neurons: number } | null,
  view: 'network' as ViewName,
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
    case 'error': {
      const items: [string, string][] = m.issues?.length ? m.issues.map((i) => [i.path, i.message]) : m.message.split('\n').map((l) => ['', l]);
      if (m.action === 'snapshot') {
        ui.saveSnapshot.disabled = !state.info;
        showErrors('The snapshot could not be taken', items);
        break;
      }
      const kept = m.action === 'restore' && m.kept && !!state.info;
      if (!m.running && !kept) resetStatus();
      const title = m.action === 'restore' ? 'The snapshot cannot be loaded' : ERROR_TITLES[m.name] ?? 'The model could not be started';
      showErrors(
        `${title}${m.running ? ' (the previous network keeps running)' : kept ? ' (the previous network stays)' : ' (nothing was started)'}`,
        items,
        m.action ? undefined : state.pending?.model,
      );
      if (!m.running) setState(kept ? state.beforeRestore : 'idle');
      break;
    }
    case 'snapshot':
      ui.saveSnapshot.disabled = !state.info;
      download(m.bytes, m.name);
      break;
    case 'started':
      onStarted(m.info);
      break;
    case 'chunk':
      onChunk(m);
      break;
    case 'done':
      state.running = false;
      // the status line is final when the state says so: a reader of "completed" must not find the
      // time and counts of the last drawn frame (they are redrawn only on the next animation frame)
      updateStatus();
      setState(m.reason, m.message);
      if (m.reason === 'error' && m.message) showErrors('The run stopped with an error', [['', m.message]]);
      break;
    case 'applied':
      break;
    case 'generated': {
      const w = generateWaiters.get(m.id);
      generateWaiters.delete(m.id);
      w?.(m);
      break;
    }
  }
};

let generateId = 0;
const generateWaiters = new Map<number, (m: Extract<FromWorker, { type: 'generated' }>) => void>();
function generateModel(request: GenerateRequest): Promise<unknown> {
  const id = ++generateId;
  return new Promise((resolve, reject) => {
    generateWaiters.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.model)));
    send({ type: 'generate', id, request });
  });
}
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

/** Offer bytes as a file download. */
function download(bytes: Uint8Array, name: string) {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** After a failed start with nothing running: no stale backend, time or counts from an earlier run. */
function resetStatus() {
  state.info = null;
  ui.saveSnapshot.disabled = true;
  ui.restoredRow.hidden = true;
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
  for (const m of state.models) if (m.id.startsWith('thalamocortical')) m.large = true;
  state.models.push(microcircuitEntry(MICROCIRCUIT_DEFAULT.scaleN, MICROCIRCUIT_DEFAULT.scaleK));
  ui.model.replaceChildren(
    ...state.models.map((m) => new Option(m.title, m.id)),
    new Option('custom (edit the JSON below)', 'custom'),
  );
  listModelsFor(state.view);
}

/** #large lists the large networks only; #network every model but the generated ones. */
function listModelsFor(view: ViewName) {
  for (const o of Array.from(ui.model.options)) {
    const m = state.models.find((x) => x.id === o.value);
    o.hidden = view === 'large' ? !m?.large : !!m?.generate;
  }
}

/** the latest selectModel: an earlier one still loading (a fetch, a generated model) does not overwrite it */
let selectToken = 0;

async function selectModel(id: string) {
  ui.model.value = id;
  const entry = state.models.find((m) => m.id === id);
  ui.mcRow.hidden = true;
  if (!entry) {
    ui.description.textContent =
      'Your own model: edit, paste or drop a JSON model file below, then run it. Built-in neuron models or models from equations ' +
      '(models: { name: { equations, threshold, reset, refractory, method, parameters } }, Brian2\'s strings; projections into them say on_pre, e.g. "ge += w").';
    ui.custom.open = true;
    return;
  }
  // the full title first: the selector is narrower than the longest titles
  const title = document.createElement('b');
  title.textContent = `${entry.title}. `;
  ui.description.replaceChildren(title, entry.description);
  ui.description.classList.remove('open');
  ui.model.title = entry.title;
  ui.mcRow.hidden = !entry.generate;
  const token = ++selectToken;
  const text = entry.generate
    ? JSON.stringify(await generateModel(entry.generate), null, 2)
    : await (await fetch(entry.file)).text();
  if (token !== selectToken) return; // another model was chosen meanwhile
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
        showBalance();
        scheduleControls();
        saveNetworkHash();
      });
      return label;
    }),
  );
  showBalance();
}

/** With E and I weight sliders: how much stronger inhibition is made than in the model. */
function showBalance() {
  const f = weightFactors();
  const both = f.excitatory !== undefined && f.inhibitory !== undefined;
  ui.balance.hidden = !both;
  if (both)
    ui.balance.textContent =
      `E/I balance: inhibition × ${(f.inhibitory / f.excitatory).toFixed(2)} relative to excitation, against the model's own ratio. ` +
      'More inhibition: lower, more irregular rates; less: the network runs away.';
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
  const msg: StartMessage = {
    type: 'start',
    model,
    ...runOptions(),
    inputRateHz: same && !ui.inputRateRow.hidden ? Number(ui.inputRate.value) : undefined,
    weightFactors: same ? weightFactors() : undefined,
    probe: state.probe ?? undefined,
  };
  if (!state.running) setState('building');
  send(msg);
}

/** How to run, as the controls say: backend, threads, duration, pace. */
function runOptions(): Pick<StartMessage, 'backend' | 'variant' | 'threads' | 'durationMs' | 'pace'> {
  const b = ui.backend.value;
  return {
    backend: b === 'js' ? 'js' : 'wasm',
    variant: b === 'wasm-scalar' ? 'scalar' : undefined,
    threads: ui.threads.value === 'auto' ? 'auto' : Number(ui.threads.value) || 1,
    durationMs: Math.max(0, Number(ui.duration.value) || 0),
    pace: Number(ui.pace.value),
  };
}

/** Continue a snapshot file: the worker restores it in place of the current network (kept if the file is refused). */
async function openSnapshot(f: File) {
  clearErrors();
  const bytes = new Uint8Array(await f.arrayBuffer());
  state.pending = null;
  state.beforeRestore = ui.state.dataset.state ?? 'idle';
  const msg: RestoreMessage = { type: 'restore', bytes, name: f.name, ...runOptions(), probe: state.probe ?? undefined };
  if (!state.running) setState('building');
  worker.postMessage(msg, [bytes.buffer]);
}

/** A restored network's model and live controls, as they were when the snapshot was taken. */
function showRestored(info: ModelInfo) {
  const r = info.restored!;
  ui.model.value = 'custom';
  ui.json.value = r.modelText;
  state.lastModelText = r.modelText;
  prepareControls(JSON.parse(r.modelText));
  if (r.inputRateHz !== undefined && !ui.inputRateRow.hidden) {
    ui.inputRate.value = String(r.inputRateHz);
    ui.inputRateValue.textContent = ui.inputRate.value;
  }
  ui.weightSliders.querySelectorAll<HTMLInputElement>('input[type=range]').forEach((input) => {
    const f = r.weightFactors?.[input.dataset.group!];
    if (f === undefined) return;
    input.value = String(f);
    input.previousElementSibling!.textContent = Number(input.value).toFixed(2);
  });
  showBalance();
  const title = document.createElement('b');
  title.textContent = `${info.name}, continued from ${r.file} at t = ${+info.t.toFixed(3)} ms. `;
  ui.description.replaceChildren(title, 'Its model is in the JSON below: Run starts it again from t = 0.');
  ui.description.classList.remove('open');
  ui.model.title = info.name;
  ui.mcRow.hidden = true;
}

function onStarted(info: ModelInfo) {
  clearErrors();
  ui.restartHint.hidden = true;
  const p = state.pending;
  if (info.restored) showRestored(info);
  else if (p && p.text !== state.lastModelText) {
    state.lastModelText = p.text;
    prepareControls(p.model);
  }
  ui.restoredRow.hidden = !info.restored;
  ui.restoredFile.textContent = info.restored?.file ?? '–';
  ui.restoredAt.textContent = String(+info.t.toFixed(3));
  ui.saveSnapshot.disabled = false;
  state.info = info;
  state.running = true;
  state.step = info.step;
  state.t = info.t;
  state.t0 = info.t;
  state.runSeconds = 0;
  state.totals = info.totals.slice();
  // at most 10,000 raster rows: every k-th neuron beyond that
  state.stride = 1;
  while (info.neurons / state.stride > 10_000) state.stride *= 2;
  ui.subsample.textContent = state.stride > 1 ? `Raster shows every ${ordinal(state.stride)} neuron (rates use every spike).` : '';
  state.spikes = info.populations.map(() => new PopSpikes());
  state.colours = populationColours(info.populations);
  const typed = info.populations.some((p) => p.type);
  ui.dale.hidden = !typed;
  // the probe carries over when its neuron exists in the new network (a state monitor records it from
  // the start); a restored network draws the neuron its state monitor records, if any
  state.probe = info.probe;
  const pp = state.probe && info.populations.find((p) => p.name === state.probe!.population);
  state.probeT = [];
  state.probeY = [];
  state.probeVar = pp?.probeVariable ?? '';
  state.probeExact = info.probeExact;
  describeProbe();
  setupSheet(info);
  state.binSteps = Math.max(1, Math.round(5 / info.dt));
  state.bin0 = Math.ceil(info.step / state.binSteps);
  const nb = Math.ceil(4000 / info.dt / state.binSteps) + 4;
  state.bins = info.populations.map(() => new Bins(nb));
  state.spectrumGroups = spectrumGroups(info.populations);
  state.spectrumAt = -Infinity;
  ui.spectrumBox.hidden = true;
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
      s.innerHTML = `<span class="swatch" style="background:${state.colours[k]}"></span>`;
      s.append(`${p.name}${p.type ? (p.type === 'excitatory' ? ' E' : ' I') : ''} (${p.size.toLocaleString('en-US')}): `);
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
  if (m.probe && state.probe && m.probe.target.population === state.probe.population && m.probe.target.neuron === state.probe.neuron) {
    for (let j = 0; j < m.probe.t.length; j++) {
      state.probeT.push(m.probe.t[j]);
      state.probeY.push(m.probe.y[j]);
    }
    state.probeExact = m.probe.exact;
    state.probeVar = m.probe.variable;
  }
  const sh = state.sheet;
  m.spikes.forEach((s, k) => {
    if (sh?.pops[k]) {
      const per = sh.perColumn[k];
      for (let j = 0; j < s.steps.length; j++) sheetAdd(sh, Math.floor(s.steps[j] / state.binSteps), Math.floor(s.i[j] / per));
    }
    state.spikes[k].push(s.steps, s.i, state.stride);
    const bins = state.bins[k];
    const bs = state.binSteps;
    for (let j = 0; j < s.steps.length; j++) bins.add(Math.floor(s.steps[j] / bs));
  });
  const windowSteps = Math.round(Number(ui.window.value) / state.info.dt);
  for (const p of state.spikes) p.dropBefore(state.step - windowSteps);
  const tMin = state.t - Number(ui.window.value);
  let drop = 0;
  while (drop < state.probeT.length && state.probeT[drop] < tMin) drop++;
  if (drop) {
    state.probeT.splice(0, drop);
    state.probeY.splice(0, drop);
  }
  state.dirty = true;
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

const W = 960;
const H = 540;
const RASTER = { x: 60, y: 12, w: 860, h: 370 };
const RATE = { x: 60, y: 398, w: 860, h: 96 };

function draw() {
  const ctx = prepareCanvas(ui.canvas, W, H);
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
  verticalLabel(ctx, 'neuron', 14, RASTER.y + RASTER.h / 2);
  verticalLabel(ctx, 'rate (Hz)', 14, RATE.y + RATE.h / 2);
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
  state.bands = [];
  const dt = info.dt;
  const markW = Math.max(1, Math.min(2, (dt / winMs) * RASTER.w));
  info.populations.forEach((p, k) => {
    const h = shares[k] * RASTER.h;
    const top = yb - h;
    const store = state.spikes[k];
    const rowH = h / p.size;
    const markH = Math.max(1, Math.min(3, rowH));
    state.bands.push({ k, top, bottom: yb, rowH });
    ctx.fillStyle = state.colours[k];
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
  // the probed neuron: a mark at the right edge of its row
  const pb = state.probe && state.bands.find((b) => info.populations[b.k].name === state.probe!.population);
  if (pb) {
    const y = pb.bottom - (state.probe!.neuron + 0.5) * pb.rowH;
    ctx.fillStyle = '#000';
    ctx.beginPath();
    ctx.moveTo(RASTER.x + RASTER.w, y);
    ctx.lineTo(RASTER.x + RASTER.w - 7, y - 4);
    ctx.lineTo(RASTER.x + RASTER.w - 7, y + 4);
    ctx.fill();
  }

  // rates: 5 ms bins over the window (complete bins only)
  const bs = state.binSteps;
  const binMs = bs * dt;
  const lastBin = Math.floor(state.step / bs) - 1;
  const firstBin = Math.max(state.bin0, Math.ceil(tStart / binMs));
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
    ctx.strokeStyle = state.colours[k];
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
  if (state.runSeconds > 0 && state.t > state.t0) {
    const x = (state.t - state.t0) / 1000 / state.runSeconds;
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
  const nb = Math.max(1, Math.min(lastBin + 1 - state.bin0, Math.round(200 / binMs)));
  info.populations.forEach((p, k) => {
    let c = 0;
    for (let b = lastBin - nb + 1; b <= lastBin; b++) if (b >= state.bin0) c += state.bins[k]?.get(b) ?? 0;
    const r = lastBin >= state.bin0 ? (c * 1000) / (p.size * nb * binMs) : 0;
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
    drawProbe();
    drawSheet();
    drawRhythm();
    updateStatus();
  }
  requestAnimationFrame(frame);
}

// ---------------------------------------------------------------------------------------------
// The probed neuron (a click on the raster)
// ---------------------------------------------------------------------------------------------

const PW = 960;
const PH = 170;
const PROBE = { x: 60, y: 10, w: 830, h: 130 };

/** The neuron under a click on the raster (population and index), or null outside the bands. */
function neuronAt(e: MouseEvent): ProbeTarget | null {
  const info = state.info;
  if (!info) return null;
  const r = ui.canvas.getBoundingClientRect();
  const x = ((e.clientX - r.left) / r.width) * W;
  const y = ((e.clientY - r.top) / r.height) * H;
  if (x < RASTER.x || x > RASTER.x + RASTER.w) return null;
  const b = state.bands.find((q) => y >= q.top && y < q.bottom);
  if (!b) return null;
  const p = info.populations[b.k];
  let i = Math.floor((b.bottom - y) / b.rowH);
  i -= i % state.stride; // a row the raster shows
  return { population: p.name, neuron: Math.max(0, Math.min(p.size - 1, i)) };
}

function setProbe(t: ProbeTarget | null) {
  const p = t && state.info?.populations.find((q) => q.name === t.population);
  if (t && !p?.probeVariable) {
    ui.probeNote.textContent = `${t.population} has no membrane potential to show (${p ? 'a source of spikes' : 'not in this network'}).`;
    return;
  }
  state.probe = t;
  state.probeT = [];
  state.probeY = [];
  state.probeVar = p?.probeVariable ?? '';
  state.probeExact = false;
  if (state.running) send({ type: 'probe', target: t });
  describeProbe();
  saveNetworkHash();
  state.dirty = true;
}

function describeProbe() {
  const t = state.probe;
  ui.probe.hidden = !t;
  ui.probe.dataset.neuron = t ? `${t.population}:${t.neuron}` : '';
  if (!t) {
    ui.probeNote.textContent = 'Click a neuron on the raster to see its membrane potential.';
    return;
  }
  const how = !state.running
    ? 'recorded every step by a state monitor from the next Run'
    : state.probeExact
      ? 'recorded every step by a state monitor'
      : 'sampled every 0.5 ms between steps (a network gets its state monitors when it is built: press Run to record it every step)';
  ui.probeNote.textContent = `${t.population} neuron ${t.neuron}: ${state.probeVar === 'n' ? 'its state n (0 or 1)' : 'membrane potential v (mV)'}, ${how}. Click another neuron, or here to close.`;
}

function drawProbe() {
  const t = state.probe;
  const info = state.info;
  if (!t || !info) return;
  ui.probe.dataset.samples = String(state.probeT.length);
  const ctx = prepareCanvas(ui.probe, PW, PH);
  const k = info.populations.findIndex((p) => p.name === t.population);
  const pop = info.populations[k];
  const winMs = Number(ui.window.value);
  const tEnd = Math.max(state.t, winMs);
  const tStart = tEnd - winMs;
  const xOf = (x: number) => PROBE.x + ((x - tStart) / winMs) * PROBE.w;
  let lo = Infinity;
  let hi = -Infinity;
  for (const y of state.probeY) {
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
  }
  for (const m of [pop.threshold, pop.reset]) if (m !== undefined) (lo = Math.min(lo, m)), (hi = Math.max(hi, m));
  if (!(hi > lo)) (lo = (Number.isFinite(lo) ? lo : 0) - 1), (hi = lo + 2);
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const yOf = (v: number) => PROBE.y + PROBE.h - ((v - lo) / (hi - lo)) * PROBE.h;
  ctx.strokeStyle = '#000';
  ctx.strokeRect(PROBE.x + 0.5, PROBE.y + 0.5, PROBE.w, PROBE.h);
  ctx.fillStyle = '#000';
  valueTicks(ctx, lo, hi, 4, PROBE.x - 4, yOf);
  axisTicks(ctx, tStart, tEnd, 8, PROBE.y + PROBE.h + 14, xOf);
  verticalLabel(ctx, state.probeVar === 'n' ? 'n' : 'v (mV)', 14, PROBE.y + PROBE.h / 2);
  // threshold and reset, dashed
  ctx.setLineDash([5, 4]);
  ctx.textAlign = 'left';
  for (const [v, label] of [[pop.threshold, 'threshold'], [pop.reset, 'reset']] as const) {
    if (v === undefined) continue;
    ctx.strokeStyle = label === 'threshold' ? '#b00020' : '#555';
    ctx.beginPath();
    ctx.moveTo(PROBE.x, yOf(v));
    ctx.lineTo(PROBE.x + PROBE.w, yOf(v));
    ctx.stroke();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillText(label, PROBE.x + PROBE.w + 4, yOf(v) + 4);
  }
  ctx.setLineDash([]);
  // its spikes: ticks above the trace
  const store = state.spikes[k];
  ctx.strokeStyle = state.colours[k];
  for (let j = store.start; j < store.end; j++) {
    if (store.idx[j] !== t.neuron) continue;
    const x = xOf(store.steps[j] * info.dt);
    if (x < PROBE.x) continue;
    ctx.beginPath();
    ctx.moveTo(x, PROBE.y + 1);
    ctx.lineTo(x, PROBE.y + 12);
    ctx.stroke();
  }
  ctx.strokeStyle = state.colours[k];
  ctx.lineWidth = 1.2;
  ctx.beginPath();
  let started = false;
  for (let j = 0; j < state.probeT.length; j++) {
    const x = xOf(state.probeT[j]);
    if (x < PROBE.x) continue;
    const y = yOf(state.probeY[j]);
    if (!started) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
    started = true;
  }
  ctx.stroke();
  ctx.lineWidth = 1;
}

// ---------------------------------------------------------------------------------------------
// The activity map of a sheet of columns (populations with PopulationSpec.sheet)
// ---------------------------------------------------------------------------------------------

/** the map shows the rate per column over the last SHEET_WINDOW_BINS complete 5 ms bins */
const SHEET_WINDOW_BINS = 4;

function setupSheet(info: ModelInfo) {
  const first = info.populations.find((p) => p.sheet);
  ui.sheetBox.hidden = !first;
  if (!first) {
    state.sheet = null;
    return;
  }
  const { x: cx, y: cy } = first.sheet!;
  const pops = info.populations.map((p) => !!p.sheet && p.sheet.x === cx && p.sheet.y === cy);
  const C = cx * cy;
  const nb = SHEET_WINDOW_BINS + 4;
  state.sheet = {
    cx, cy, nb, pops,
    perColumn: info.populations.map((p) => p.size / C),
    ring: new Float64Array(nb * C),
    tags: new Float64Array(nb).fill(-1),
    neurons: info.populations.reduce((a, p, k) => a + (pops[k] ? p.size : 0), 0),
  };
  ui.sheetNote.textContent =
    `Activity map: ${cx} × ${cy} columns of the sheet, ${info.populations.filter((_, k) => pops[k]).map((p) => p.name).join(', ')}; ` +
    `colour = mean rate per neuron of each column over the last ${SHEET_WINDOW_BINS * 5} ms of model time (brighter = more active). Waves and rhythms show as moving bright patches.`;
}

function sheetAdd(sh: NonNullable<typeof state.sheet>, bin: number, column: number) {
  const slot = bin % sh.nb;
  const C = sh.cx * sh.cy;
  if (sh.tags[slot] !== bin) {
    sh.tags[slot] = bin;
    sh.ring.fill(0, slot * C, (slot + 1) * C);
  }
  sh.ring[slot * C + column]++;
}

const SW = 960;
const SH = 300;

function drawSheet() {
  const sh = state.sheet;
  const info = state.info;
  if (!sh || !info) return;
  const C = sh.cx * sh.cy;
  const lastBin = Math.floor(state.step / state.binSteps) - 1;
  const rates = new Float64Array(C);
  const binMs = state.binSteps * info.dt;
  let bins = 0;
  for (let b = lastBin - SHEET_WINDOW_BINS + 1; b <= lastBin; b++) {
    if (b < state.bin0) continue;
    bins++;
    const slot = b % sh.nb;
    if (sh.tags[slot] !== b) continue;
    for (let c = 0; c < C; c++) rates[c] += sh.ring[slot * C + c];
  }
  const perColumnNeurons = sh.neurons / C;
  let vmax = 0;
  let total = 0;
  for (let c = 0; c < C; c++) {
    total += rates[c];
    rates[c] = bins ? (rates[c] * 1000) / (perColumnNeurons * bins * binMs) : 0;
    vmax = Math.max(vmax, rates[c]);
  }
  const scale = Math.max(1, Math.ceil(vmax));
  ui.sheet.dataset.spikes = String(total);
  ui.sheet.dataset.max = vmax.toFixed(3);
  const ctx = prepareCanvas(ui.sheet, SW, SH);
  const size = Math.min(270 / sh.cy, 600 / sh.cx);
  const x0 = 60;
  const y0 = 15;
  for (let c = 0; c < C; c++) {
    const gx = c % sh.cx;
    const gy = Math.floor(c / sh.cx);
    ctx.fillStyle = colormap(rates[c] / scale);
    ctx.fillRect(x0 + gx * size, y0 + gy * size, Math.ceil(size), Math.ceil(size));
  }
  ctx.strokeStyle = '#000';
  ctx.strokeRect(x0 + 0.5, y0 + 0.5, sh.cx * size, sh.cy * size);
  // colour bar
  const bx = x0 + sh.cx * size + 30;
  const bh = sh.cy * size;
  for (let j = 0; j < bh; j++) {
    ctx.fillStyle = colormap(1 - j / bh);
    ctx.fillRect(bx, y0 + j, 14, 1.5);
  }
  ctx.fillStyle = '#000';
  ctx.textAlign = 'left';
  ctx.fillText(`${scale} Hz`, bx + 18, y0 + 9);
  ctx.fillText('0', bx + 18, y0 + bh);
  ctx.fillText(`t = ${state.t.toFixed(0)} ms`, bx + 18, y0 + bh / 2);
}

// ---------------------------------------------------------------------------------------------
// The rhythm view: spectra of the layers' rates (web/spectrum-view.ts)
// ---------------------------------------------------------------------------------------------

/** model time left out at the start of a run (the initial transient), ms */
const SPECTRUM_SKIP_MS = 300;

function drawRhythm() {
  const info = state.info;
  if (!info || !state.spectrumGroups.length) return;
  const now = performance.now();
  // every quarter second while running (a Welch estimate per layer), and the final state
  if (state.running && now - state.spectrumAt < 250) return;
  state.spectrumAt = now;
  const binMs = state.binSteps * info.dt;
  const last = Math.floor(state.step / state.binSteps) - 1;
  const keep = (state.bins[0]?.n ?? 0) - 4;
  const first = Math.max(state.bin0 + Math.ceil(SPECTRUM_SKIP_MS / binMs), last - keep + 1);
  const peaks = drawSpectrum(ui.spectrum, { groups: state.spectrumGroups, count: (k, b) => state.bins[k].get(b), binMs, first, last });
  ui.spectrumBox.hidden = peaks === null;
  if (!peaks) return;
  const n = last - first + 1;
  ui.spectrumNote.textContent =
    `Power spectrum of each layer's rate (${state.spectrumGroups.map((g) => g.name).join(', ')}) over the last ${((n * binMs) / 1000).toFixed(2)} s ` +
    `of model time (the first ${SPECTRUM_SKIP_MS} ms of the run left out; ${binMs} ms bins, Welch estimate as \`axonal analyze\`); shaded: the alpha band, 8–13 Hz. ` +
    `A rhythm is a peak far above the floor (the median power between 2 and 100 Hz); at least ${((SPECTRUM_MIN_BINS * binMs) / 1000).toFixed(2)} s are needed.`;
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

ui.run.addEventListener('click', () => start(ui.json.value));
ui.loadCustom.addEventListener('click', () => start(ui.json.value));
ui.stop.addEventListener('click', () => send({ type: 'stop' }));
ui.saveSnapshot.addEventListener('click', () => {
  ui.saveSnapshot.disabled = true; // until the file is there
  send({ type: 'snapshot' });
});
ui.snapshotFile.addEventListener('change', () => {
  const f = ui.snapshotFile.files?.[0];
  ui.snapshotFile.value = ''; // the same file can be loaded again
  if (f) void openSnapshot(f);
});
ui.model.addEventListener('change', async () => {
  await selectModel(ui.model.value);
  saveNetworkHash();
  if (state.running && ui.model.value !== 'custom') start(ui.json.value);
});
ui.json.addEventListener('input', () => {
  if (ui.model.value !== 'custom') ui.model.value = 'custom';
});
ui.inputRate.addEventListener('input', () => {
  ui.inputRateValue.textContent = ui.inputRate.value;
  scheduleControls();
  saveNetworkHash();
});
ui.pace.addEventListener('change', () => {
  send({ type: 'pace', pace: Number(ui.pace.value) });
  saveNetworkHash();
});
// backend and threads take effect at the next start: say so when they change under a running network
for (const el of [ui.backend, ui.threads])
  el.addEventListener('change', () => {
    ui.restartHint.hidden = !state.running;
    saveNetworkHash();
  });
ui.duration.addEventListener('change', () => saveNetworkHash());
ui.description.addEventListener('click', () => ui.description.classList.add('open'));
ui.window.addEventListener('change', () => {
  state.dirty = true;
  saveNetworkHash();
});
ui.canvas.addEventListener('click', (e) => {
  const t = neuronAt(e);
  if (t) setProbe(t);
});
ui.probeNote.addEventListener('click', () => state.probe && setProbe(null));
// the microcircuit's scale: generated again at the new scale
for (const el of [ui.mcN, ui.mcK])
  el.addEventListener('change', async () => {
    const n = Number(ui.mcN.value);
    const k = Number(ui.mcK.value);
    if (!(n > 0 && n <= 1 && k > 0 && k <= 1)) return;
    replaceEntry(microcircuitEntry(n, k));
    await selectModel('microcircuit');
    saveNetworkHash();
  });

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

// ---------------------------------------------------------------------------------------------
// Views and the address
// ---------------------------------------------------------------------------------------------

function replaceEntry(e: ModelEntry) {
  const k = state.models.findIndex((m) => m.id === e.id);
  if (k >= 0) state.models[k] = e;
  const o = Array.from(ui.model.options).find((x) => x.value === e.id);
  if (o) o.textContent = e.title;
}

/** while a view applies the address, its controls do not write it back */
let applying = false;

/** The network view's settings in the address (defaults left out); custom JSON is not kept there. */
function saveNetworkHash() {
  if (applying || (state.view !== 'network' && state.view !== 'large')) return;
  const entry = state.models.find((m) => m.id === ui.model.value);
  const p: Record<string, string | number | undefined> = { model: ui.model.value };
  if (entry?.generate?.kind === 'microcircuit') {
    p.n = entry.generate.scaleN;
    p.k = entry.generate.scaleK;
  }
  if (ui.backend.value !== 'wasm') p.backend = ui.backend.value;
  if (ui.threads.value !== 'auto') p.threads = ui.threads.value;
  if (Number(ui.duration.value) > 0) p.duration = ui.duration.value;
  if (ui.pace.value !== '1') p.pace = ui.pace.value;
  if (ui.window.value !== '1000') p.window = ui.window.value;
  if (!ui.inputRateRow.hidden) p.rate = ui.inputRate.value;
  for (const [g, f] of Object.entries(weightFactors())) if (f !== 1) p[`w_${g}`] = f;
  if (state.probe) p.neuron = `${state.probe.population}:${state.probe.neuron}`;
  writeHash(state.view, p);
}

const setSelect = (el: HTMLSelectElement, v: string | null) => {
  if (v !== null && Array.from(el.options).some((o) => o.value === v && !o.disabled)) el.value = v;
};

/** Put the network view into the state the address describes. */
async function applyNetworkParams(view: ViewName, q: URLSearchParams) {
  applying = true;
  try {
    let id = q.get('model');
    const fits = (m?: ModelEntry) => !!m && (view === 'large' ? !!m.large : !m.generate);
    if (!fits(state.models.find((m) => m.id === id))) id = view === 'large' ? 'microcircuit' : fits(state.models.find((m) => m.id === ui.model.value)) ? ui.model.value : state.models[0].id;
    if (id === 'microcircuit') {
      const n = Number(q.get('n') ?? MICROCIRCUIT_DEFAULT.scaleN);
      const k = Number(q.get('k') ?? MICROCIRCUIT_DEFAULT.scaleK);
      const ok = (x: number) => x > 0 && x <= 1;
      const e = microcircuitEntry(ok(n) ? n : MICROCIRCUIT_DEFAULT.scaleN, ok(k) ? k : MICROCIRCUIT_DEFAULT.scaleK);
      ui.mcN.value = String(e.generate!.kind === 'microcircuit' ? e.generate!.scaleN : '');
      ui.mcK.value = String(e.generate!.kind === 'microcircuit' ? e.generate!.scaleK : '');
      const old = state.models.find((m) => m.id === id);
      const changed = JSON.stringify(old?.generate) !== JSON.stringify(e.generate);
      replaceEntry(e);
      if (changed || ui.model.value !== id) await selectModel(id);
    } else if (ui.model.value !== id || !state.lastModelText) await selectModel(id!);
    setSelect(ui.backend, q.get('backend') ?? 'wasm');
    setSelect(ui.threads, q.get('threads') ?? 'auto');
    setSelect(ui.pace, q.get('pace') ?? '1');
    setSelect(ui.window, q.get('window') ?? '1000');
    const d = Number(q.get('duration') ?? 0);
    ui.duration.value = String(d >= 0 && Number.isFinite(d) ? d : 0);
    const rate = q.get('rate');
    if (rate !== null && !ui.inputRateRow.hidden && Number(rate) >= 0) {
      ui.inputRate.value = rate;
      ui.inputRateValue.textContent = ui.inputRate.value;
    }
    ui.weightSliders.querySelectorAll<HTMLInputElement>('input[type=range]').forEach((input) => {
      const f = Number(q.get(`w_${input.dataset.group}`) ?? 1);
      input.value = String(f > 0 ? f : 1);
      input.previousElementSibling!.textContent = Number(input.value).toFixed(2);
    });
    showBalance();
    const nq = q.get('neuron')?.split(':');
    state.probe = nq && nq.length === 2 && Number.isInteger(Number(nq[1])) ? { population: nq[0], neuron: Number(nq[1]) } : null;
    describeProbe();
    if (state.running) scheduleControls();
  } finally {
    applying = false;
  }
  saveNetworkHash();
}

// the #neuron and #gates views compute in a worker of their own, started when first shown
let lab: Worker | null = null;
const labListeners: ((m: FromLab) => void)[] = [];
function labWorker(): Worker {
  if (!lab) {
    lab = new Worker(new URL('./lab-worker.js', import.meta.url), { type: 'module' });
    lab.onmessage = (e: MessageEvent<FromLab>) => labListeners.forEach((f) => f(e.data));
    lab.onerror = (e) => console.warn('lab worker:', e.message);
  }
  return lab;
}
const labPort = {
  send: (m: ToLab) => labWorker().postMessage(m),
  listen: (f: (m: FromLab) => void) => labListeners.push(f),
};
const neuronView = createNeuronView(labPort, (p) => state.view === 'neuron' && writeHash('neuron', p));
const gatesView = createGatesView(labPort, (p) => state.view === 'gates' && writeHash('gates', p));

async function route(view: ViewName, q: URLSearchParams) {
  const prev = state.view;
  state.view = view;
  for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>('nav.views a'))) a.setAttribute('aria-current', a.dataset.view === view ? 'page' : 'false');
  document.getElementById('view-neuron')!.hidden = view !== 'neuron';
  document.getElementById('view-gates')!.hidden = view !== 'gates';
  document.getElementById('view-sim')!.hidden = view !== 'network' && view !== 'large';
  document.title = `axonal — ${document.querySelector<HTMLElement>(`nav.views a[data-view="${view}"]`)?.textContent ?? view}`;
  // what ran in the view left stops: one thing at a time on the machine's cores
  if (prev !== view) {
    if ((prev === 'network' || prev === 'large') && state.running) send({ type: 'stop' });
    if (prev === 'neuron') neuronView.hide();
  }
  if (view === 'neuron') await neuronView.show(q);
  else if (view === 'gates') gatesView.show(q);
  else {
    ui.introNetwork.hidden = view !== 'network';
    ui.introLarge.hidden = view !== 'large';
    listModelsFor(view);
    await applyNetworkParams(view, q);
  }
}

draw();
requestAnimationFrame(frame);
loadModels()
  .then(() => startRouter(route))
  .catch((e) => showErrors('Cannot load the example models', [['', String(e)]]));
