/**
 * Parser of Brian2 model strings.
 *
 * Fields and their grammar (Brian2's, as a Brian2 user pastes it):
 *
 *   equations   one definition per logical line; `#` starts a comment; a line continues on the
 *               next when it ends with `\` or while a parenthesis is open
 *                 dx/dt = expr : unit [(flags)]     differential equation (flag: unless refractory)
 *                 x = expr : unit [(flags)]         subexpression
 *                 x : unit [(flags)]                parameter / external variable (constant, shared)
 *   threshold   one condition (may span lines)
 *   reset       statements separated by newlines or `;`:  x = e | x += e | x -= e | x *= e | x /= e
 *   refractory  an expression: a time (`5*ms`) or a condition (`v > -40*mV`)
 *
 * Expressions (Python syntax, lowest precedence first):
 *   or_expr    := and_expr ('or' and_expr)*
 *   and_expr   := not_expr ('and' not_expr)*
 *   not_expr   := 'not' not_expr | comparison
 *   comparison := arith (('<'|'<='|'>'|'>='|'=='|'!=') arith)*     chained as Python: a<b<c is a<b and b<c
 *   arith      := term (('+'|'-') term)*
 *   term       := unary (('*'|'/') unary)*
 *   unary      := ('-'|'+') unary | power
 *   power      := atom ['**' unary]                                  right-associative; -x**2 is -(x**2)
 *   atom       := number | True | False | name | name '(' [or_expr (',' or_expr)*] ')' | '(' or_expr ')'
 * Numbers: 1, 1.5, .5, 5., 1e-3, 2E+3. `%`, `//`, `&`, `|` are refused with a hint.
 * A unit (after the colon) is parsed as an expression of names, numbers, `*`, `/` and `**`.
 *
 * Limits: 2000 characters per logical line, 200 lines per field, nesting depth 64.
 */
import { Issues, Source } from './errors.ts';

export const MAX_LINE_LENGTH = 2000;
export const MAX_LINES = 200;
export const MAX_DEPTH = 64;

export type BinOp = '+' | '-' | '*' | '/' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';

/** A parsed expression; `s`, `e` delimit its text in its Source ([s, e) offsets). */
export type Ast =
  | { k: 'num'; v: number; s: number; e: number }
  | { k: 'bool'; v: boolean; s: number; e: number }
  | { k: 'id'; name: string; s: number; e: number }
  | { k: 'neg' | 'not'; a: Ast; s: number; e: number }
  | { k: 'bin'; op: BinOp; a: Ast; b: Ast; s: number; e: number }
  | { k: 'call'; fn: string; args: Ast[]; s: number; e: number };

/** An expression with the source it was parsed from (for messages). */
export interface Parsed { ast: Ast; src: Source }

export type EquationKind = 'ode' | 'subexpression' | 'parameter';

export interface EquationLine {
  kind: EquationKind;
  name: string;
  /** right-hand side (absent for parameters) */
  expr?: Parsed;
  unit: Parsed;
  flags: string[];
  /** first physical line (1-based) in `equations` */
  line: number;
  src: Source;
  /** offset of the name in src */
  nameAt: number;
}

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=';

export interface Statement {
  target: string;
  op: AssignOp;
  expr: Parsed;
  src: Source;
  line: number;
  /** offset of the target in src */
  targetAt: number;
}

// ---------------------------------------------------------------------------------------------
// Logical lines

/**
 * Splits a field into logical lines: strips `#` comments, joins lines ending with `\` and lines
 * inside open parentheses; when `semicolons`, a `;` at depth 0 also ends a statement.
 */
export function logicalLines(field: string, text: string, issues: Issues, semicolons = false): Source[] {
  const physical = text.split(/\r?\n/);
  if (physical.length > MAX_LINES) {
    issues.field(field, 0, `has ${physical.length} lines; at most ${MAX_LINES} are allowed`);
    return [];
  }
  const out: Source[] = [];
  let chars = '';
  let lines: number[] = [];
  let cols: number[] = [];
  let depth = 0;
  const flush = (endLine: number, endCol: number): void => {
    if (chars.trim() !== '') {
      lines.push(endLine); cols.push(endCol);
      const src = new Source(field, chars, lines, cols);
      if (chars.length > MAX_LINE_LENGTH) {
        issues.at(src, 0, `line is ${chars.length} characters long; at most ${MAX_LINE_LENGTH} are allowed`);
      } else {
        out.push(src);
      }
    }
    chars = ''; lines = []; cols = []; depth = 0;
  };
  physical.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const hash = raw.indexOf('#');
    let body = hash >= 0 ? raw.slice(0, hash) : raw;
    let continued = false;
    const trimmed = body.replace(/\s+$/, '');
    if (trimmed.endsWith('\\')) { continued = true; body = trimmed.slice(0, -1); }
    for (let c = 0; c < body.length; c++) {
      const ch = body[c];
      if (ch === '(') depth++;
      else if (ch === ')') depth = Math.max(0, depth - 1);
      if (semicolons && ch === ';' && depth === 0) { flush(lineNo, c + 1); continue; }
      chars += ch; lines.push(lineNo); cols.push(c + 1);
    }
    if (continued || depth > 0) {
      // the line break becomes a space of the logical line
      chars += ' '; lines.push(lineNo); cols.push(body.length + 1);
    } else {
      flush(lineNo, body.length + 1);
    }
  });
  flush(physical.length, (physical[physical.length - 1] ?? '').length + 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Tok =
  | { t: 'num'; v: number; s: number; e: number }
  | { t: 'id'; name: string; s: number; e: number }
  | { t: 'op'; op: string; s: number; e: number }
  | { t: 'end'; s: number; e: number };

const OPS = ['**', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '//', '+', '-', '*', '/', '<', '>', '=', '(', ')', ',', ':', '%', '&', '|', '!'];

class SyntaxFail extends Error {
  constructor(readonly at: number, readonly what: string) { super(what); }
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let k = 0;
  while (k < text.length) {
    const ch = text[k];
    if (/\s/.test(ch)) { k++; continue; }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(k));
    if (num) {
      const after = text[k + num[0].length];
      if (after !== undefined && /[A-Za-z_]/.test(after)) {
        throw new SyntaxFail(k + num[0].length, `a number followed by '${after}': write a multiplication, e.g. ${num[0]}*${after}`);
      }
      toks.push({ t: 'num', v: Number(num[0]), s: k, e: k + num[0].length });
      k += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z_0-9]*/.exec(text.slice(k));
    if (id) { toks.push({ t: 'id', name: id[0], s: k, e: k + id[0].length }); k += id[0].length; continue; }
    const op = OPS.find((o) => text.startsWith(o, k));
    if (!op) throw new SyntaxFail(k, `unexpected character '${ch}'`);
    toks.push({ t: 'op', op, s: k, e: k + op.length });
    k += op.length;
  }
  toks.push({ t: 'end', s: text.length, e: text.length });
  return toks;
}

// ---------------------------------------------------------------------------------------------
// Expressions

const COMPARE = new Set(['<', '<=', '>', '>=', '==', '!=']);

function describe(tok: Tok): string {
  switch (tok.t) {
    case 'num': return `number ${tok.v}`;
    case 'id': return `'${tok.name}'`;
    case 'op': return `'${tok.op}'`;
    case 'end': return 'the end of the line';
  }
}

class Parser {
  private k = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  peek(): Tok { return this.toks[this.k]; }
  next(): Tok { return this.toks[this.k++]; }
  isOp(op: string): boolean { const t = this.peek(); return t.t === 'op' && t.op === op; }
  isWord(w: string): boolean { const t = this.peek(); return t.t === 'id' && t.name === w; }
  expectOp(op: string, context: string): Tok {
    const t = this.peek();
    if (t.t !== 'op' || t.op !== op) throw new SyntaxFail(t.s, `expected '${op}' ${context}, found ${describe(t)}`);
    return this.next();
  }
  atEnd(): boolean { return this.peek().t === 'end'; }

  private enter(at: number): void {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFail(at, `expression nested deeper than ${MAX_DEPTH} levels`);
  }

  expr(): Ast {
    this.enter(this.peek().s);
    let a = this.and();
    while (this.isWord('or')) { this.next(); const b = this.and(); a = { k: 'bin', op: 'or', a, b, s: a.s, e: b.e }; }
    this.depth--;
    return a;
  }

  private and(): Ast {
    let a = this.not();
    while (this.isWord('and')) { this.next(); const b = this.not(); a = { k: 'bin', op: 'and', a, b, s: a.s, e: b.e }; }
    return a;
  }

  private not(): Ast {
    if (this.isWord('not')) {
      const t = this.next();
      this.enter(t.s);
      const a = this.not();
      this.depth--;
      return { k: 'not', a, s: t.s, e: a.e };
    }
    return this.comparison();
  }

  private comparison(): Ast {
    const first = this.arith();
    let result: Ast = first;
    let left = first;
    let chained = false;
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || !COMPARE.has(t.op)) break;
      this.next();
      const right = this.arith();
      const cmp: Ast = { k: 'bin', op: t.op as BinOp, a: left, b: right, s: left.s, e: right.e };
      result = chained ? { k: 'bin', op: 'and', a: result, b: cmp, s: result.s, e: cmp.e } : cmp;
      chained = true;
      left = right;
    }
    return result;
  }

  private arith(): Ast {
    let a = this.term();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.op === '+' || t.op === '-')) {
        this.next();
        const b = this.term();
        a = { k: 'bin', op: t.op, a, b, s: a.s, e: b.e };
      } else return a;
    }
  }

  private term(): Ast {
    let a = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.op === '*' || t.op === '/')) {
        this.next();
        const b = this.unary();
        a = { k: 'bin', op: t.op, a, b, s: a.s, e: b.e };
      } else if (t.t === 'op' && (t.op === '%' || t.op === '//')) {
        throw new SyntaxFail(t.s, `the operator '${t.op}' is not supported`);
      } else return a;
    }
  }

  private unary(): Ast {
    const t = this.peek();
    if (t.t === 'op' && (t.op === '-' || t.op === '+')) {
      this.next();
      this.enter(t.s);
      const a = this.unary();
      this.depth--;
      return t.op === '-' ? { k: 'neg', a, s: t.s, e: a.e } : { ...a, s: t.s };
    }
    return this.power();
  }

  private power(): Ast {
    const base = this.atom();
    if (!this.isOp('**')) return base;
    const t = this.next();
    this.enter(t.s);
    const exp = this.unary();
    this.depth--;
    return { k: 'bin', op: '**', a: base, b: exp, s: base.s, e: exp.e };
  }

  private atom(): Ast {
    const t = this.next();
    if (t.t === 'num') return { k: 'num', v: t.v, s: t.s, e: t.e };
    if (t.t === 'id') {
      if (t.name === 'True' || t.name === 'False') return { k: 'bool', v: t.name === 'True', s: t.s, e: t.e };
      if (['and', 'or', 'not'].includes(t.name)) throw new SyntaxFail(t.s, `expected a value, found '${t.name}'`);
      if (this.isOp('(')) {
        this.next();
        this.enter(t.s);
        const args: Ast[] = [];
        if (!this.isOp(')')) {
          args.push(this.expr());
          while (this.isOp(',')) { this.next(); args.push(this.expr()); }
        }
        const close = this.expectOp(')', `to close the arguments of ${t.name}(`);
        this.depth--;
        return { k: 'call', fn: t.name, args, s: t.s, e: close.e };
      }
      return { k: 'id', name: t.name, s: t.s, e: t.e };
    }
    if (t.t === 'op' && t.op === '(') {
      this.enter(t.s);
      const inner = this.expr();
      const close = this.expectOp(')', 'to close the parenthesis');
      this.depth--;
      return { ...inner, s: t.s, e: close.e };
    }
    if (t.t === 'op' && (t.op === '&' || t.op === '|')) {
      throw new SyntaxFail(t.s, `'${t.op}' is not supported: write '${t.op === '&' ? 'and' : 'or'}'`);
    }
    throw new SyntaxFail(t.s, `expected a number, a name or '(', found ${describe(t)}`);
  }
}

/** Parses `src.text` (or the part [from, to)) as one expression; undefined after reporting an issue. */
export function parseExpression(src: Source, issues: Issues, from = 0, to = src.text.length): Parsed | undefined {
  const part = from === 0 && to === src.text.length ? src : src.slice(from, to);
  try {
    const p = new Parser(tokenize(part.text));
    if (p.atEnd()) throw new SyntaxFail(0, 'expected an expression, found nothing');
    const ast = p.expr();
    if (!p.atEnd()) {
      const t = p.peek();
      const hint = t.t !== 'op' ? '' : t.op === '=' ? " (comparison is '==')" : t.op === '&' ? " (write 'and')" : t.op === '|' ? " (write 'or')" : '';
      throw new SyntaxFail(t.s, `expected an operator or the end of the expression, found ${describe(t)}${hint}`);
    }
    return { ast, src: part };
  } catch (err) {
    if (!(err instanceof SyntaxFail)) throw err;
    issues.at(part, err.at, `syntax error: ${err.what}`);
    return undefined;
  }
}

/** The source text of a node. */
export function textOf(p: { src: Source }, node: Ast): string {
  return p.src.text.slice(node.s, node.e).trim();
}

// ---------------------------------------------------------------------------------------------
// Equations

const DIFF = /^(\s*)d([A-Za-z_][A-Za-z_0-9]*)\s*\/\s*dt\s*=/;
const SUB = /^(\s*)([A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)/;
const PARAM = /^(\s*)([A-Za-z_][A-Za-z_0-9]*)\s*$/;

/** Parses the `equations` field. Lines with errors are reported and left out. */
/**
 * The equation lines of `text`. The names defined by lines that have a syntax error after their
 * left-hand side are added to `broken` (when given), so that their uses elsewhere are not reported
 * again as unknown identifiers.
 */
export function parseEquations(text: string, issues: Issues, broken?: Set<string>): EquationLine[] {
  const out: EquationLine[] = [];
  for (const src of logicalLines('equations', text, issues)) {
    const colon = topLevelIndex(src.text, ':');
    if (colon < 0) {
      issues.at(src, src.text.length, "syntax error: expected ': unit' at the end of the equation (e.g. 'dv/dt = -v/tau : volt')");
      continue;
    }
    const left = src.text.slice(0, colon);
    let kind: EquationKind;
    let m: RegExpExecArray | null;
    let exprFrom = 0;
    if ((m = DIFF.exec(left))) { kind = 'ode'; exprFrom = m[0].length; }
    else if ((m = SUB.exec(left))) { kind = 'subexpression'; exprFrom = m[0].length; }
    else if ((m = PARAM.exec(left))) { kind = 'parameter'; }
    else {
      issues.at(src, firstNonSpace(left), "syntax error: expected 'dx/dt = expression', 'x = expression' or 'x' before ':'");
      continue;
    }
    const name = m[2];
    const nameAt = m[1].length + (kind === 'ode' ? 1 : 0);
    let ok = true;
    let expr: Parsed | undefined;
    if (kind !== 'parameter') {
      expr = parseExpression(src, issues, exprFrom, colon);
      ok = expr !== undefined;
    }
    // unit [(flags)]: Brian2's units never contain parentheses, so '(' starts the flags
    const rest = src.text.slice(colon + 1);
    const paren = rest.indexOf('(');
    const unitEnd = paren >= 0 ? colon + 1 + paren : src.text.length;
    const flags: string[] = [];
    if (paren >= 0) {
      const close = rest.indexOf(')', paren);
      if (close < 0 || rest.slice(close + 1).trim() !== '') {
        issues.at(src, colon + 1 + (close < 0 ? rest.length : close + 1), "syntax error: expected the flags as '(flag, flag)' at the end of the line");
        ok = false;
      } else {
        for (const f of rest.slice(paren + 1, close).split(',')) {
          const flag = f.trim().replace(/\s+/g, ' ');
          if (flag === '') {
            issues.at(src, colon + 1 + paren, 'syntax error: empty flag in the flag list');
            ok = false;
          } else flags.push(flag);
        }
      }
    }
    const unit = parseExpression(src, issues, colon + 1, unitEnd);
    if (!unit || !ok) {
      broken?.add(name);
      continue;
    }
    out.push({ kind, name, expr, unit, flags, line: src.line(0), src, nameAt });
  }
  return out;
}

function firstNonSpace(s: string): number {
  const m = /\S/.exec(s);
  return m ? m.index : 0;
}

/** index of `ch` outside parentheses, or -1 */
function topLevelIndex(text: string, ch: string): number {
  let depth = 0;
  for (let k = 0; k < text.length; k++) {
    if (text[k] === '(') depth++;
    else if (text[k] === ')') depth--;
    else if (text[k] === ch && depth === 0) return k;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Statements (reset)

const ASSIGN = /^(\s*)([A-Za-z_][A-Za-z_0-9]*)\s*(\+=|-=|\*=|\/=|=(?!=))/;

export function parseStatements(field: string, text: string, issues: Issues): Statement[] {
  const out: Statement[] = [];
  for (const src of logicalLines(field, text, issues, true)) {
    const m = ASSIGN.exec(src.text);
    if (!m) {
      issues.at(src, firstNonSpace(src.text), "syntax error: expected a statement 'x = expression' (or +=, -=, *=, /=)");
      continue;
    }
    const expr = parseExpression(src, issues, m[0].length);
    if (expr) out.push({ target: m[2], op: m[3] as AssignOp, expr, src, line: src.line(0), targetAt: m[1].length });
  }
  return out;
}

/** Parses a field that holds one expression (threshold, refractory), possibly over several lines. */
export function parseField(field: string, text: string, issues: Issues): Parsed | undefined {
  const physical = text.split(/\r?\n/);
  if (physical.length > MAX_LINES) { issues.field(field, 0, `has ${physical.length} lines; at most ${MAX_LINES} are allowed`); return undefined; }
  const lines: number[] = [];
  const cols: number[] = [];
  let chars = '';
  physical.forEach((raw, idx) => {
    const hash = raw.indexOf('#');
    let body = hash >= 0 ? raw.slice(0, hash) : raw;
    const trimmed = body.replace(/\s+$/, '');
    if (trimmed.endsWith('\\')) body = trimmed.slice(0, -1);
    for (let c = 0; c < body.length; c++) { chars += body[c]; lines.push(idx + 1); cols.push(c + 1); }
    chars += ' '; lines.push(idx + 1); cols.push(body.length + 1);
  });
  lines.push(physical.length); cols.push(1);
  const src = new Source(field, chars, lines, cols);
  if (chars.length > MAX_LINE_LENGTH) { issues.at(src, 0, `is ${chars.length} characters long; at most ${MAX_LINE_LENGTH} are allowed`); return undefined; }
  return parseExpression(src, issues);
}
