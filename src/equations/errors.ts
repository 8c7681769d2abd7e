/**
 * Errors of the equations front end. Every stage collects its problems as issues (field, line,
 * column, message) instead of stopping at the first one; the stage then throws one EquationError
 * that carries all of them. Lines and columns are 1-based within the field's text (0 when they do
 * not apply), and every message already names the field, the line and the symbol concerned, so
 * that the engine only has to prefix its own path (`populations[1].model.`).
 */

export interface EquationIssue {
  field: string;
  line: number;
  column: number;
  message: string;
}

export class EquationError extends Error {
  readonly issues: EquationIssue[];
  constructor(issues: EquationIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'EquationError';
    this.issues = issues;
  }
}

/**
 * The text of one logical line (or of one whole field such as `threshold`) with, for every
 * character offset, the line and column it came from in the field: continuation lines are joined
 * into one logical line, and errors must still point into the text the user wrote.
 */
export class Source {
  constructor(
    readonly field: string,
    readonly text: string,
    private readonly lines: readonly number[],
    private readonly cols: readonly number[],
  ) {}

  /** a single physical line `line` (1-based) starting at column `col0` (1-based) */
  static ofLine(field: string, text: string, line: number, col0 = 1): Source {
    const lines: number[] = [];
    const cols: number[] = [];
    for (let k = 0; k <= text.length; k++) { lines.push(line); cols.push(col0 + k); }
    return new Source(field, text, lines, cols);
  }

  /** the part [start, end) of this source, keeping its positions */
  slice(start: number, end: number): Source {
    return new Source(this.field, this.text.slice(start, end), this.lines.slice(start, end + 1), this.cols.slice(start, end + 1));
  }

  line(offset: number): number { return this.lines[Math.min(Math.max(offset, 0), this.lines.length - 1)] ?? 0; }
  column(offset: number): number { return this.cols[Math.min(Math.max(offset, 0), this.cols.length - 1)] ?? 0; }
}

/** Collects issues; `throwIfAny` raises them together. */
export class Issues {
  readonly list: EquationIssue[] = [];

  /** an issue at `offset` of `src` (the message gets the field, line and column in front) */
  at(src: Source, offset: number, message: string): void {
    const line = src.line(offset);
    const column = src.column(offset);
    this.list.push({ field: src.field, line, column, message: `${src.field} line ${line}, column ${column}: ${message}` });
  }

  /** an issue of a field without a position (line 0 when the field has no lines) */
  field(field: string, line: number, message: string): void {
    this.list.push({ field, line, column: 0, message: line > 0 ? `${field} line ${line}: ${message}` : `${field}: ${message}` });
  }

  get size(): number { return this.list.length; }

  throwIfAny(): void {
    if (this.list.length > 0) throw new EquationError(this.list.slice());
  }
}
