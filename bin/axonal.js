#!/usr/bin/env node
// The command line: dist/cli.cjs, run with V8's code cache (bin/code-cache.js). The first command
// after a build writes dist/cli.cjs.cache when it ends, and the first `run` or `resume` after it
// rewrites it if another command made it; AXONAL_CODE_CACHE=0 runs without it.
import { runScript } from './code-cache.js';

const full = process.argv[2] === 'run' || process.argv[2] === 'resume';
const cli = runScript(new URL('../dist/cli.cjs', import.meta.url), { useCache: process.env.AXONAL_CODE_CACHE !== '0', full });
process.once('exit', () => cli.save());
cli.exports.main(process.argv);
