/**
 * #neuron, "Listening to a neuron": one neuron with a constant current (the slider), its membrane
 * potential drawn live with threshold and reset marked, and beside it the f–I curve: the firing
 * rate against the current, computed by the engine (web/lab-worker.ts: one population with a
 * current per neuron, run for 1 s, spikes counted). Address: #neuron?model=izhikevich&I=10&pace=1.
 */
import type { FromLab, NeuronEntry, ToLab } from './lab-protocol.ts';
import { axisTicks, prepareCanvas, valueTicks, verticalLabel } from './plot.ts';

export interface LabPort {
  send(m: ToLab): void;
  listen(f: (m: FromLab) => void): void;
}

/** model time shown in the trace, ms */
const TRACE_MS = 500;
/** the f–I curve: currents from 0 to the slider's top, run this long */
const FI_POINTS = 61;
const FI_MS = 1000;

const TW = 620;
const TH = 320;
const TP = { x: 56, y: 14, w: 470, h: 270 };
const FW = 340;
const FH = 320;
const FP = { x: 50, y: 14, w: 270, h: 270 };

export function createNeuronView(lab: LabPort, save: (p: Record<string, string | number>) => void) {
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
  const ui = {
    model: $<HTMLSelectElement>('neuron-model'),
    description: $('neuron-description'),
    current: $<HTMLInputElement>('neuron-current'),
    currentValue: $<HTMLOutputElement>('neuron-current-value'),
    unit: $('neuron-unit'),
    pace: $<HTMLSelectElement>('neuron-pace'),
    spikes: $('neuron-spikes'),
    rate: $('neuron-rate'),
    trace: $<HTMLCanvasElement>('neuron-trace'),
    fi: $<HTMLCanvasElement>('fi-curve'),
    fiNote: $('fi-note'),
    error: $('neuron-error'),
  };
  let entries: NeuronEntry[] = [];
  let ready: (() => void) | null = null;
  const readyP = new Promise<void>((r) => (ready = r));
  let visible = false;
  let running = false;
  // the trace: chunks of (t, v), the spikes, the current they were computed with
  let chunks: { t: Float64Array; v: Float32Array }[] = [];
  let spikes: number[] = [];
  let tNow = 0;
  let chunkCurrent = NaN;
  let fi: { model: string; currents: number[]; rates: number[] } | null = null;
  let fiId = 0;
  let dirty = false;

  const entry = () => entries.find((e) => e.id === ui.model.value) ?? entries[0];

  lab.listen((m) => {
    switch (m.type) {
      case 'ready':
        entries = m.neurons;
        ui.model.replaceChildren(...entries.map((e) => new Option(e.title, e.id)));
        ready?.();
        break;
      case 'neuron-chunk':
        if (!running || m.model !== ui.model.value) return;
        chunks.push({ t: m.t, v: m.v });
        for (const t of m.spikes) spikes.push(t);
        tNow = m.t.length ? m.t[m.t.length - 1] : tNow;
        chunkCurrent = m.current;
        while (chunks.length > 1 && chunks[0].t[chunks[0].t.length - 1] < tNow - TRACE_MS) chunks.shift();
        while (spikes.length && spikes[0] < tNow - 1000) spikes.shift();
        dirty = true;
        break;
      case 'fi':
        if (m.id !== fiId) return;
        fi = { model: m.model, currents: m.currents, rates: m.rates };
        ui.fi.dataset.model = m.model;
        ui.fi.dataset.currents = JSON.stringify(m.currents);
        ui.fi.dataset.rates = JSON.stringify(m.rates);
        {
          const k = m.rates.findIndex((r) => r > 0);
          const e = entry();
          ui.fiNote.textContent =
            (k < 0
              ? `No spikes up to ${m.currents[m.currents.length - 1]} ${e.unit}.`
              : `Silent below about ${fmt(m.currents[Math.max(0, k - 1)])}–${fmt(m.currents[k])} ${e.unit} (the rheobase): a weaker input gives no spike, not a weaker one. `) +
            `Each point: one neuron at that current for ${m.durationMs / 1000} s, its spikes counted (${FI_POINTS} neurons in one run, ${(m.seconds * 1000).toFixed(0)} ms).`;
        }
        dirty = true;
        break;
      case 'lab-error':
        if (m.what === 'neuron' || m.what === 'fi') {
          ui.error.hidden = false;
          ui.error.textContent = `The neuron could not be run: ${m.message}`;
        }
        break;
    }
  });

  const fmt = (x: number) => String(+x.toFixed(3));

  function params(): Record<string, string | number> {
    const p: Record<string, string | number> = { model: ui.model.value, I: ui.current.value };
    if (ui.pace.value !== '1') p.pace = ui.pace.value;
    return p;
  }

  function setupModel(e: NeuronEntry, current?: number) {
    ui.description.textContent = e.description;
    ui.model.title = e.title;
    ui.unit.textContent = e.unit;
    ui.current.max = String(e.currentMax);
    ui.current.step = String(e.currentStep);
    const c = current !== undefined && Number.isFinite(current) && current >= 0 ? Math.min(current, e.currentMax) : e.currentDefault;
    ui.current.value = String(c);
    ui.currentValue.textContent = fmt(Number(ui.current.value));
  }

  function restart() {
    chunks = [];
    spikes = [];
    tNow = 0;
    chunkCurrent = NaN;
    ui.error.hidden = true;
    running = true;
    lab.send({ type: 'neuron-start', model: ui.model.value, current: Number(ui.current.value), pace: Number(ui.pace.value) });
    fi = null;
    fiId++;
    const max = Number(ui.current.max);
    const currents = Array.from({ length: FI_POINTS }, (_, k) => +((k * max) / (FI_POINTS - 1)).toFixed(6));
    lab.send({ type: 'fi', id: fiId, model: ui.model.value, currents, durationMs: FI_MS });
    dirty = true;
  }

  let currentPending = false;
  ui.current.addEventListener('input', () => {
    ui.currentValue.textContent = fmt(Number(ui.current.value));
    save(params());
    dirty = true;
    if (currentPending) return;
    currentPending = true;
    requestAnimationFrame(() => {
      currentPending = false;
      lab.send({ type: 'neuron-current', current: Number(ui.current.value) });
    });
  });
  ui.model.addEventListener('change', () => {
    setupModel(entry());
    save(params());
    restart();
  });
  ui.pace.addEventListener('change', () => {
    lab.send({ type: 'neuron-pace', pace: Number(ui.pace.value) });
    save(params());
  });

  function drawTrace() {
    const e = entry();
    const ctx = prepareCanvas(ui.trace, TW, TH);
    const [lo, hi] = e.vRange;
    const t1 = Math.max(tNow, TRACE_MS);
    const t0 = t1 - TRACE_MS;
    const xOf = (t: number) => TP.x + ((t - t0) / TRACE_MS) * TP.w;
    const yOf = (v: number) => TP.y + TP.h - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * TP.h;
    ctx.strokeStyle = '#000';
    ctx.strokeRect(TP.x + 0.5, TP.y + 0.5, TP.w, TP.h);
    ctx.fillStyle = '#000';
    valueTicks(ctx, lo, hi, 5, TP.x - 4, yOf);
    axisTicks(ctx, t0, t1, 5, TP.y + TP.h + 15, xOf);
    ctx.fillText('time (ms)', TP.x + TP.w / 2, TP.y + TP.h + 30);
    verticalLabel(ctx, 'membrane potential v (mV)', 12, TP.y + TP.h / 2);
    // threshold, reset, cut-off: dashed, labelled inside the plot at its right end, above the line (a long label fits)
    ctx.setLineDash([5, 4]);
    ctx.textAlign = 'right';
    for (const m of e.marks) {
      ctx.strokeStyle = ctx.fillStyle = m.kind === 'threshold' ? '#b00020' : m.kind === 'reset' ? '#555' : '#8a5a00';
      ctx.beginPath();
      ctx.moveTo(TP.x, yOf(m.v));
      ctx.lineTo(TP.x + TP.w, yOf(m.v));
      ctx.stroke();
      ctx.fillText(`${m.label} ${fmt(m.v)}`, TP.x + TP.w - 4, yOf(m.v) - 4);
    }
    ctx.setLineDash([]);
    // an integrate-and-fire neuron's spike is the event at the threshold, not a shape of v: draw it as a stroke
    const thr = e.marks.find((m) => m.kind === 'threshold' && !e.marks.some((x) => x.kind === 'cutoff'));
    ctx.strokeStyle = '#1f77b4';
    for (const t of spikes) {
      if (t < t0) continue;
      ctx.beginPath();
      ctx.moveTo(xOf(t), thr ? yOf(thr.v) : TP.y + 14);
      ctx.lineTo(xOf(t), TP.y + 2);
      ctx.stroke();
    }
    ctx.lineWidth = 1.3;
    ctx.beginPath();
    let first = true;
    for (const c of chunks)
      for (let j = 0; j < c.t.length; j++) {
        if (c.t[j] < t0) continue;
        const x = xOf(c.t[j]);
        const y = yOf(c.v[j]);
        if (first) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
        first = false;
      }
    ctx.stroke();
    ctx.lineWidth = 1;
  }

  function drawFi() {
    const e = entry();
    const ctx = prepareCanvas(ui.fi, FW, FH);
    const cmax = Number(ui.current.max);
    const rates = fi?.model === e.id ? fi.rates : [];
    const rmax = Math.max(10, ...rates) * 1.08;
    const xOf = (c: number) => FP.x + (c / cmax) * FP.w;
    const yOf = (r: number) => FP.y + FP.h - (r / rmax) * FP.h;
    ctx.strokeStyle = '#000';
    ctx.strokeRect(FP.x + 0.5, FP.y + 0.5, FP.w, FP.h);
    ctx.fillStyle = '#000';
    valueTicks(ctx, 0, rmax, 5, FP.x - 4, yOf);
    axisTicks(ctx, 0, cmax, 4, FP.y + FP.h + 15, xOf);
    ctx.fillText(`current (${e.unit})`, FP.x + FP.w / 2, FP.y + FP.h + 30);
    verticalLabel(ctx, 'firing rate (Hz)', 12, FP.y + FP.h / 2);
    if (!rates.length) {
      ctx.fillText('computing…', FP.x + FP.w / 2, FP.y + FP.h / 2);
      return;
    }
    // the current now
    const c = Number(ui.current.value);
    ctx.strokeStyle = '#b00020';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(xOf(c), FP.y);
    ctx.lineTo(xOf(c), FP.y + FP.h);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = ctx.fillStyle = '#1f77b4';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    fi!.currents.forEach((x, k) => (k ? ctx.lineTo(xOf(x), yOf(rates[k])) : ctx.moveTo(xOf(x), yOf(rates[k]))));
    ctx.stroke();
    ctx.lineWidth = 1;
    fi!.currents.forEach((x, k) => ctx.fillRect(xOf(x) - 1.5, yOf(rates[k]) - 1.5, 3, 3));
  }

  function status() {
    // spikes of the last second of model time computed with the current now shown
    const fresh = chunkCurrent === Number(ui.current.value);
    const window = Math.min(1000, tNow);
    const n = spikes.filter((t) => t > tNow - 1000).length;
    ui.spikes.textContent = String(n);
    ui.spikes.dataset.count = String(n);
    ui.spikes.dataset.current = String(chunkCurrent);
    ui.spikes.dataset.t = String(tNow);
    ui.rate.textContent = window > 0 ? ((n * 1000) / window).toFixed(1) : '–';
    ui.rate.title = fresh ? '' : 'the neuron is being rebuilt with the new current';
  }

  function frame() {
    if (!visible) return;
    if (dirty) {
      dirty = false;
      drawTrace();
      drawFi();
      status();
    }
    requestAnimationFrame(frame);
  }

  return {
    async show(q: URLSearchParams) {
      lab.send({ type: 'neuron-stop' }); // starts the worker, which then says ready
      await readyP;
      const id = q.get('model');
      ui.model.value = entries.some((e) => e.id === id) ? id! : entries[0].id;
      setupModel(entry(), q.has('I') ? Number(q.get('I')) : undefined);
      ui.pace.value = q.get('pace') === '0.25' ? '0.25' : '1';
      save(params());
      if (!visible) {
        visible = true;
        requestAnimationFrame(frame);
      }
      restart();
    },
    hide() {
      visible = false;
      running = false;
      lab.send({ type: 'neuron-stop' });
    },
  };
}
