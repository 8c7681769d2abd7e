/**
 * The library of standard cells (PyNN's names first, NEST's as aliases): each cell is a model from
 * equations (docs/equations.md) with PyNN's parameter names, units and defaults, so that a model
 * file can say `"model": "IF_cond_exp"` and give PyNN's parameters in `parameters`.
 */
import type { EquationModelSpec } from '../../core/types.ts';

export interface StandardCell {
  /** PyNN's name */
  name: string;
  /** NEST's and other names that mean the same cell */
  aliases: readonly string[];
  /** the model, with PyNN's defaults in `parameters` */
  model: EquationModelSpec;
  /** the paper and the NEST/PyNN source it follows */
  reference: string;
}

const CELLS: StandardCell[] = [];

/** The standard cell called `name` (PyNN's name or an alias), or null. */
export function standardCell(name: string): StandardCell | null {
  for (const c of CELLS) if (c.name === name || c.aliases.includes(name)) return c;
  return null;
}

/** Every standard cell, for docs and the page. */
export function standardCells(): readonly StandardCell[] {
  return CELLS;
}
