/**
 * The package as a consumer sees it: the `exports` map (node and browser conditions), the type
 * declarations (checked by tsc from a consumer project without allowImportingTsExtensions), the
 * browser bundle (no eval; new Function only in the kernel generator of src/equations/js.ts), and the README's "Embedding in Node" script, run as is.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// inside the package, so that `import 'axonal'` resolves through the exports map (self-reference)
const work = join(root, 'test-output', 'package');
const require = createRequire(import.meta.url);

beforeAll(() => {
  if (!existsSync(join(root, 'dist/types/index.d.ts')) || !existsSync(join(root, 'dist/browser.js')) || !existsSync(join(root, 'build/axonal.simd.wasm')))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  mkdirSync(work, { recursive: true });
});

describe('package', () => {
  it("the README's 'Embedding in Node' script runs", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split(/^### Embedding in Node$/m)[1];
    expect(section, 'README section "Embedding in Node"').toBeTruthy();
    const code = /```js\n([\s\S]*?)```/.exec(section)![1];
    expect(code.split('\n').length).toBeLessThan(25);
    const file = join(work, 'embed-node.mjs');
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5000\/5000 steps/);
    expect(r.stdout).toMatch(/\d+ E spikes, the first at [\d.]+ ms by neuron \d+/);
    expect(r.stdout).toMatch(/E: [\d.]+/);
    expect(r.stdout).toMatch(/2 threads, wasm \((simd|scalar)\)/);
  });

  it('npm pack: a lean tarball without install scripts; installed into a new project, the README\'s Node example and the command line run (--plot without the optional PNG packages writes the SVG)', () => {
    // outside the repository, so that nothing resolves to its node_modules
    const dir = mkdtempSync(join(tmpdir(), 'axonal-pack-'));
    mkdirSync(join(dir, 'project'), { recursive: true });
    const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_yes: 'true' } });
    const pack = npm(['pack', '--json', '--pack-destination', dir], root);
    expect(pack.status, pack.stderr).toBe(0);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toMatch(/"prepare": "npm run build"/); // restored after packing
    const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];
    const files: string[] = info.files.map((f: { path: string }) => f.path);
    // what users need and no more: bundles, declarations, kernels, examples, the JSON Schema of model files, the command
    expect(files.filter((f) => !/^(dist\/[^/]+\.js|dist\/cli\.cjs|dist\/types\/.*\.d\.ts|build\/[^/]+\.wasm|examples\/[^/]+\.json|schema\/model\.json|bin\/(axonal|code-cache)\.js|package\.json|README\.md|LICENSE)$/.test(f))).toEqual([]);
    expect(files).toContain('schema/model.json');
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/browser.js', 'dist/worker.js', 'dist/browser-worker.js', 'dist/types/index.d.ts', 'build/axonal.simd.wasm']));
    expect(info.size, 'tarball bytes').toBeLessThan(1.5e6);
    const packed = JSON.parse(execFileSync('tar', ['-xOzf', join(dir, info.filename), 'package/package.json'], { encoding: 'utf8' }));
    expect(packed.scripts.prepare).toBeUndefined();
    expect(packed.devDependencies).toBeUndefined();
    const proj = join(dir, 'project');
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
    const inst = npm(['install', join(dir, info.filename), '--no-audit', '--no-fund'], proj);
    expect(inst.status, inst.stderr).toBe(0);
    expect(inst.stdout + inst.stderr).not.toMatch(/install-scripts|axonal@[^ ]* \(prepare/);
    expect(existsSync(join(proj, 'node_modules', 'dejavu-fonts-ttf'))).toBe(false); // optional peers: not installed
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    writeFileSync(join(proj, 'cuba.mjs'), /```js\n([\s\S]*?)```/.exec(readme.split(/^### Embedding in Node$/m)[1])![1]);
    const r = spawnSync(process.execPath, ['cuba.mjs'], { cwd: proj, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 threads, wasm \((simd|scalar)\)/);
    const cli = spawnSync(process.execPath, [join(proj, 'node_modules', '.bin', 'axonal'), 'run', 'node_modules/axonal/examples/cuba.json', '--duration', '50', '--plot', '--out', 'out', '--quiet'], { cwd: proj, encoding: 'utf8', timeout: 60_000 });
    expect(cli.status, cli.stderr).toBe(0);
    expect(existsSync(join(proj, 'out', 'spikes.csv'))).toBe(true);
    expect(existsSync(join(proj, 'out', 'raster.svg'))).toBe(true);
    expect(existsSync(join(proj, 'out', 'raster.png'))).toBe(false);
    expect(cli.stderr).toMatch(/raster\.png not written: PNG figures need the optional packages @resvg\/resvg-wasm and dejavu-fonts-ttf/);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('resolves to dist/index.js under node and dist/browser.js under browser', async () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('axonal'))"], { cwd: work, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`file://${join(root, 'dist/index.js')}`);
    expect(require.resolve('axonal/examples/cuba.json', { paths: [work] })).toBe(join(root, 'examples/cuba.json'));
    const { build } = await import('esbuild');
    const out = await build({
      stdin: { contents: "import { Simulation } from 'axonal'; console.log(Simulation);", resolveDir: work, loader: 'js' },
      bundle: true, write: false, platform: 'browser', format: 'esm', metafile: true, logLevel: 'silent',
    });
    expect(Object.keys(out.metafile.inputs)).toContain('dist/browser.js');
  });

  it('the browser bundle has no eval, one new Function (the JS kernel of a model from equations, made from its IR), and imports nothing', () => {
    const js = readFileSync(join(root, 'dist/browser.js'), 'utf8');
    expect(js).not.toMatch(/\beval\s*\(/);
    // src/equations/js.ts compiles source generated from the checked kernel IR (never user text);
    // a page whose CSP forbids it falls back to closures (test/equations-codegen.test.ts)
    const uses = [...js.matchAll(/new\s+Function\s*\(/g)];
    expect(uses.length).toBe(1);
    const at = uses[0].index!;
    expect(js.slice(Math.max(0, at - 200), at)).toMatch(/defaultFactory/);
    expect(js).not.toMatch(/^import .* from ['"]/m);
  });

  it('the type declarations type-check a consumer (moduleResolution node16, no .ts imports)', () => {
    const dir = join(work, 'types');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'consumer.ts'),
      `import { Simulation, ModelError, validateModel, assertValidModel, setWasmLocator, type ModelSpec, type ModelIssue, type RunResult } from 'axonal';
const model: ModelSpec = { dt: 0.1, populations: [{ name: 'n', size: 10, model: 'lif' }] };
// the types are the schema's (src/network/schema.ts), precise per model
// @ts-expect-error a lif population has no param tau_mm
export const typo: ModelSpec = { dt: 0.1, populations: [{ name: 'n', size: 10, model: 'lif', params: { tau_mm: 3 } }] };
// @ts-expect-error tau_m is a value, not a word
export const word: ModelSpec = { dt: 0.1, populations: [{ name: 'n', size: 10, model: 'lif', params: { tau_m: 'twenty' } }] };
// @ts-expect-error izhikevich's params on a lif population
export const other: ModelSpec = { dt: 0.1, populations: [{ name: 'n', size: 10, model: 'lif', params: { a: 0.02 } }] };
export const cells: ModelSpec = { dt: 0.1, populations: [{ name: 'z', size: 2, model: 'izhikevich', params: { a: 0.02, scheme: 'euler' } }, { name: 'c', size: 2, model: 'IF_cond_exp', parameters: { tau_m: '20*ms' } }] };
const issues: ModelIssue[] = validateModel(model);
const parsed: unknown = JSON.parse('{}');
try {
  assertValidModel(parsed);
  const d: number | undefined = parsed.dt; // a ModelSpec from here on
  void d;
} catch (e) {
  if (e instanceof ModelError) void (e.issues satisfies ModelIssue[]);
}
setWasmLocator(null);
export async function main(): Promise<number> {
  const sim = await Simulation.create(model, { backend: 'js', threads: 1 });
  const r: RunResult = await sim.run(10, { signal: new AbortController().signal });
  const s = sim.takeSpikes('n');
  const n: number = s.count + s.i.length + r.steps + issues.length;
  sim.setPoissonRate(0, 10);
  sim.scaleWeights('x', 2);
  sim.dispose();
  // @ts-expect-error test hooks are not in the public declarations
  sim.failShard(0);
  return n + (ModelError.name.length as number);
}
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ['ES2022', 'DOM'] },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    // a consumer package inside ours: point its `axonal` at the package root
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    const link = join(dir, 'node_modules', 'axonal');
    rmSync(link, { force: true });
    symlinkSync(root, link);
    try {
      const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    } finally {
      rmSync(link, { force: true }); // no link back into the repository left behind
    }
  });
});
