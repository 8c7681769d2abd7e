/**
 * A full disk while `axonal run` writes its records (streamed or at the end) stops the run with the
 * error — the file and the system's reason, exit status 1 — and keeps what was written before:
 * summary.json says the run did not complete and why. The full disk is Linux's /dev/full (every
 * write fails with ENOSPC), linked where spikes.csv goes.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const haveFull = existsSync('/dev/full');

describe.skipIf(!haveFull)('a full disk under the records (skipped without /dev/full: not Linux)', () => {
  for (const stream of [true, false]) {
    it(`${stream ? '--stream: the run stops at the failed chunk' : 'written at the end: the run completed, its spikes were not written'}: exit 1 naming spikes.csv and ENOSPC, summary.json with the error`, () => {
      const out = mkdtempSync(join(tmpdir(), 'axonal-full-'));
      symlinkSync('/dev/full', join(out, 'spikes.csv'));
      const r = spawnSync(process.execPath, [bin, 'run', 'examples/cuba.json', '--out', out, '--duration', '200', '--threads', '1', ...(stream ? ['--stream', '--chunk', '20'] : [])], {
        cwd: root, encoding: 'utf8', timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/writing .*spikes\.csv: ENOSPC/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.completed).toBe(!stream);
      if (stream) expect(summary.duration_ms).toBeLessThan(200);
      expect(summary.error).toMatch(/spikes\.csv: ENOSPC/);
      // the other records (the rate monitors of cuba.json) are kept
      expect(readFileSync(join(out, 'rate_2.csv'), 'utf8')).toMatch(/^t_ms,/);
    });
  }
});
