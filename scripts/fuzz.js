// npm run fuzz: the property-based fuzzing of model input (test/fuzz-model.test.ts) with many more
// cases than npm test runs: FUZZ_RUNS (default 5000) mutants from FUZZ_SEED (default: a new seed,
// printed, so that a failure can be replayed with FUZZ_SEED=<seed> npm run fuzz).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = process.env.FUZZ_RUNS ?? '5000';
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz: ${runs} cases, seed ${seed}`);
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const r = spawnSync(process.execPath, [vitest, 'run', 'test/fuzz-model.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
});
process.exit(r.status ?? 1);
