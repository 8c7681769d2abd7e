/**
 * #gates, "Threshold units": McCulloch–Pitts units n(t+1) = Θ(Σ_j W_j n_j(t) − μ), with editable
 * weights and thresholds; their truth tables computed by the engine (web/lab-worker.ts runs the
 * units of model `threshold` on the four input patterns). Layer 1 reads the inputs A and B; the XOR
 * unit of layer 2 reads the OR and AND units, since no single unit computes XOR.
 * Address: #gates?AND=1,1,2&OR=1,1,1&NOT_A=-1,0,0&XOR=1,-1,1 (the weights, then μ).
 */
import type { GatesRequest, GateUnit } from './lab-protocol.ts';
import type { LabPort } from './neuron-view.ts';

const DEFAULTS: { unit: GateUnit; inputs: [string, string] }[] = [
  { unit: { name: 'AND', w: [1, 1], mu: 2 }, inputs: ['A', 'B'] },
  { unit: { name: 'OR', w: [1, 1], mu: 1 }, inputs: ['A', 'B'] },
  { unit: { name: 'NOT_A', w: [-1, 0], mu: 0 }, inputs: ['A', 'B'] },
  { unit: { name: 'XOR', w: [1, -1], mu: 1 }, inputs: ['OR', 'AND'] },
];

/** The 16 Boolean functions of two inputs by their outputs for (A, B) = 00, 01, 10, 11. */
const FUNCTIONS: Record<string, string> = {
  '0000': 'never fires', '0001': 'AND', '0010': 'A AND NOT B', '0011': 'A', '0100': 'B AND NOT A', '0101': 'B',
  '0110': 'XOR', '0111': 'OR', '1000': 'NOR', '1001': 'XNOR', '1010': 'NOT B', '1011': 'A OR NOT B',
  '1100': 'NOT A', '1101': 'B OR NOT A', '1110': 'NAND', '1111': 'always fires',
};

export function createGatesView(lab: LabPort, save: (p: Record<string, string>) => void) {
  const box = document.getElementById('gates')!;
  const note = document.getElementById('gates-note')!;
  const units = DEFAULTS.map((d) => ({ unit: { ...d.unit, w: [...d.unit.w] as [number, number] }, inputs: d.inputs }));
  let id = 0;
  let timer = 0;

  const label = (s: string) => s.replace('_', ' ');
  const field = (unit: string, what: string, title: string) => {
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '0.5';
    input.id = `gate-${unit}-${what}`;
    input.title = title;
    input.addEventListener('input', () => {
      read();
      schedule();
    });
    return input;
  };

  // one card per unit: its weights and threshold, and its truth table
  box.replaceChildren(
    ...units.map(({ unit, inputs }) => {
      const card = document.createElement('fieldset');
      card.className = 'gate';
      card.dataset.unit = unit.name;
      const legend = document.createElement('legend');
      legend.textContent = `${label(unit.name)} unit${inputs[0] === 'A' ? '' : ' (layer 2)'}`;
      const formula = document.createElement('p');
      formula.className = 'formula';
      const wa = field(unit.name, 'w0', `weight from ${inputs[0]}`);
      const wb = field(unit.name, 'w1', `weight from ${inputs[1]}`);
      const mu = field(unit.name, 'mu', 'threshold μ');
      formula.append('fires if ', wa, ` · ${label(inputs[0])} + `, wb, ` · ${label(inputs[1])} ≥ `, mu);
      const table = document.createElement('table');
      table.id = `truth-${unit.name}`;
      table.className = 'truth';
      table.innerHTML =
        `<thead><tr><th>A</th><th>B</th>${inputs[0] === 'A' ? '' : `<th>${label(inputs[0])}</th><th>${label(inputs[1])}</th>`}<th>${label(unit.name)}</th></tr></thead>` +
        `<tbody>${[0, 1, 2, 3].map((k) => `<tr><td>${(k >> 1) & 1}</td><td>${k & 1}</td>${inputs[0] === 'A' ? '' : '<td class="mid"></td><td class="mid"></td>'}<td class="out">…</td></tr>`).join('')}</tbody>`;
      const computes = document.createElement('p');
      computes.className = 'computes';
      computes.id = `computes-${unit.name}`;
      card.append(legend, formula, table, computes);
      return card;
    }),
  );

  function write() {
    for (const { unit } of units) {
      (document.getElementById(`gate-${unit.name}-w0`) as HTMLInputElement).value = String(unit.w[0]);
      (document.getElementById(`gate-${unit.name}-w1`) as HTMLInputElement).value = String(unit.w[1]);
      (document.getElementById(`gate-${unit.name}-mu`) as HTMLInputElement).value = String(unit.mu);
    }
  }
  function read() {
    for (const { unit } of units) {
      const v = (what: string) => Number((document.getElementById(`gate-${unit.name}-${what}`) as HTMLInputElement).value);
      const [a, b, m] = [v('w0'), v('w1'), v('mu')];
      if ([a, b, m].every(Number.isFinite)) {
        unit.w = [a, b];
        unit.mu = m;
      }
    }
    save(params());
  }
  function params(): Record<string, string> {
    return Object.fromEntries(units.map(({ unit }) => [unit.name, `${unit.w[0]},${unit.w[1]},${unit.mu}`]));
  }

  function schedule() {
    clearTimeout(timer);
    timer = window.setTimeout(compute, 120);
  }
  function compute() {
    const l1 = units.filter((u) => u.inputs[0] === 'A').map((u) => u.unit);
    const l2 = units.find((u) => u.inputs[0] !== 'A')!;
    const request: GatesRequest = { layer1: l1, layer2: { ...l2.unit, inputs: l2.inputs } };
    box.dataset.state = 'computing';
    lab.send({ type: 'gates', id: ++id, request });
  }

  lab.listen((m) => {
    if (m.type === 'lab-error' && m.what === 'gates') {
      note.textContent = `The units could not be run: ${m.message}`;
      box.dataset.state = 'error';
    }
    if (m.type !== 'gates' || m.id !== id) return;
    for (const { unit, inputs } of units) {
      const out = m.outputs[unit.name];
      const rows = document.querySelectorAll<HTMLTableRowElement>(`#truth-${unit.name} tbody tr`);
      rows.forEach((tr, k) => {
        const cell = tr.querySelector<HTMLElement>('.out')!;
        cell.textContent = String(out[k]);
        cell.dataset.out = String(out[k]);
        cell.classList.toggle('on', out[k] === 1);
        if (inputs[0] !== 'A') tr.querySelectorAll<HTMLElement>('.mid').forEach((td, j) => (td.textContent = String(m.outputs[inputs[j]][k])));
      });
      const f = FUNCTIONS[out.join('')];
      const c = document.getElementById(`computes-${unit.name}`)!;
      c.dataset.function = f;
      c.textContent = `computes ${f}` + (inputs[0] === 'A' ? '' : ' of A and B');
    }
    box.dataset.state = 'done';
    note.textContent =
      `Computed by the engine: the units (model "threshold") run in discrete time, dt = 1 ms, fed by two spike generators A and B that present 00, 01, 10, 11 ` +
      `four steps apart; a unit of layer 1 answers one step after its pattern, the XOR unit two (${m.steps} steps in all). ` +
      'One unit draws a straight line through the four input patterns, so XOR (and XNOR) needs a second layer. A negative weight is an inhibitory synapse: here a unit may make both kinds, which Dale\'s principle forbids real neurons.';
  });

  return {
    show(q: URLSearchParams) {
      for (const { unit } of units) {
        const d = DEFAULTS.find((x) => x.unit.name === unit.name)!.unit;
        const v = (q.get(unit.name) ?? '').split(',').map(Number);
        const ok = v.length === 3 && v.every(Number.isFinite);
        unit.w = ok ? [v[0], v[1]] : [...d.w];
        unit.mu = ok ? v[2] : d.mu;
      }
      write();
      save(params());
      compute();
    },
  };
}
