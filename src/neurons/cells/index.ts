/**
 * The library of standard cells (PyNN's names first, NEST's as aliases): each cell is a model from
 * equations (docs/equations.md) with PyNN's parameter names, units and defaults, so that a model
 * file can say `"model": "IF_cond_exp"` and give PyNN's parameters in `parameters`. One file per
 * cell; docs/cells.md shows each with its equations, parameters, method and reference.
 */
import type { EquationModelSpec } from '../../core/types.ts';
import { IF_cond_exp } from './if-cond-exp.ts';
import { IF_cond_alpha } from './if-cond-alpha.ts';
import { IF_curr_alpha } from './if-curr-alpha.ts';
import { EIF_cond_exp_isfa_ista } from './eif-cond-exp-isfa-ista.ts';
import { EIF_cond_alpha_isfa_ista } from './eif-cond-alpha-isfa-ista.ts';
import { HH_cond_exp } from './hh-cond-exp.ts';

export interface StandardCell {
  /** PyNN's name */
  name: string;
  /** NEST's and other names that mean the same cell */
  aliases: readonly string[];
  /** the model, with PyNN's defaults in `parameters` */
  model: EquationModelSpec;
  /**
   * PyNN's default initial values (`default_initial_values`; HH gates at their steady state), as
   * numbers in axonal units or strings with units: what a population of the cell should start
   * at when its `initial` says nothing (the engine's default for a model from equations is 0)
   */
  initial: Readonly<Record<string, number | string>>;
  /** the paper and the NEST/PyNN source it follows */
  reference: string;
}

const CELLS: StandardCell[] = [IF_cond_exp, IF_cond_alpha, IF_curr_alpha, EIF_cond_exp_isfa_ista, EIF_cond_alpha_isfa_ista, HH_cond_exp];

/** The standard cell called `name` (PyNN's name or an alias), or null. */
export function standardCell(name: string): StandardCell | null {
  for (const c of CELLS) if (c.name === name || c.aliases.includes(name)) return c;
  return null;
}

/** Every standard cell, for docs and the page. */
export function standardCells(): readonly StandardCell[] {
  return CELLS;
}
