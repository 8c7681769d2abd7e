/** Reading a model file: JSON parse errors are reported with the file and position. */
import { readFileSync } from 'node:fs';
import type { ModelSpec } from '../core/types.ts';

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

export function readModelFile(path: string): ModelSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelFileError(`${path}: cannot read the model file (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text) as ModelSpec;
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      const col = pos - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    throw new ModelFileError(`${path}: not valid JSON${where}: ${msg}`);
  }
}
