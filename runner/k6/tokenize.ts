// A small JavaScript tokenizer for rewriting journey sources: it knows strings, template
// literals (with nested `${}`), comments, regular-expression literals, numbers, identifiers and
// punctuators, so a rewrite never touches `vu.` inside a string or a comment. Tokens keep their
// exact text: joining them gives the source back.

export type TokenType = 'ws' | 'comment' | 'string' | 'template' | 'regex' | 'number' | 'ident' | 'punct';

export interface Token {
  type: TokenType;
  text: string;
  /** offset in the source */
  start: number;
}

const IDENT_START = /[A-Za-z_$\u0080-\uffff]/;
const IDENT_PART = /[\w$\u0080-\uffff]/;
const PUNCT = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>'];
// after these keywords a `/` starts a regular expression, not a division
const REGEX_AFTER_KEYWORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

export class TokenizeError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  // one entry per open `{`: true when it opened a template substitution `${`
  const braces: boolean[] = [];
  let i = 0;
  const push = (type: TokenType, end: number) => {
    tokens.push({ type, text: src.slice(i, end), start: i });
    i = end;
  };
  const lastSignificant = (): Token | undefined => {
    for (let k = tokens.length - 1; k >= 0; k--) {
      const t = tokens[k];
      if (t && t.type !== 'ws' && t.type !== 'comment') return t;
    }
    return undefined;
  };
  /** scans template characters from `j` (just after "`" or "}") to the closing "`" or a "${" */
  const scanTemplate = (j: number): number => {
    while (j < src.length) {
      const c = src[j];
      if (c === '\\') j += 2;
      else if (c === '`') return j + 1;
      else if (c === '$' && src[j + 1] === '{') {
        braces.push(true);
        return j + 2;
      } else j++;
    }
    throw new TokenizeError('unterminated template literal', i);
  };

  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < src.length && /\s/.test(src[j] ?? '')) j++;
      push('ws', j);
    } else if (c === '/' && src[i + 1] === '/') {
      const j = src.indexOf('\n', i);
      push('comment', j < 0 ? src.length : j);
    } else if (c === '/' && src[i + 1] === '*') {
      const j = src.indexOf('*/', i + 2);
      if (j < 0) throw new TokenizeError('unterminated comment', i);
      push('comment', j + 2);
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') j++;
        if (src[j] === '\n') throw new TokenizeError('unterminated string', i);
        j++;
      }
      if (j >= src.length) throw new TokenizeError('unterminated string', i);
      push('string', j + 1);
    } else if (c === '`') {
      push('template', scanTemplate(i + 1));
    } else if (c === '}' && braces.length > 0 && braces[braces.length - 1] === true) {
      braces.pop();
      push('template', scanTemplate(i + 1));
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < src.length && /[\w.]/.test(src[j] ?? '')) {
        // exponent sign: 1e-3
        if (/[eE]/.test(src[j] ?? '') && /[+-]/.test(src[j + 1] ?? '') && !/^0[xX]/.test(src.slice(i, j))) j++;
        j++;
      }
      push('number', j);
    } else if (IDENT_START.test(c) || c === '#') {
      let j = i + 1;
      while (j < src.length && IDENT_PART.test(src[j] ?? '')) j++;
      push('ident', j);
    } else if (c === '/' && startsRegex(lastSignificant())) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length) {
        const d = src[j];
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        else if (d === '\n') throw new TokenizeError('unterminated regular expression', i);
        j++;
      }
      j++;
      while (j < src.length && /[a-z]/.test(src[j] ?? '')) j++;
      push('regex', j);
    } else {
      const p = PUNCT.find((x) => src.startsWith(x, i));
      if (c === '{') braces.push(false);
      else if (c === '}') braces.pop();
      push('punct', i + (p?.length ?? 1));
    }
  }
  return tokens;
}

function startsRegex(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.type === 'number' || prev.type === 'string' || prev.type === 'template' || prev.type === 'regex') return false;
  if (prev.type === 'ident') return REGEX_AFTER_KEYWORD.has(prev.text);
  return !(prev.text === ')' || prev.text === ']' || prev.text === '}');
}

/** Index of the next non-whitespace, non-comment token at or after `from` (tokens.length when none). */
export function nextSig(tokens: readonly Token[], from: number): number {
  let k = from;
  while (k < tokens.length && (tokens[k]?.type === 'ws' || tokens[k]?.type === 'comment')) k++;
  return k;
}

/** Index of the previous significant token before `from` (-1 when none). */
export function prevSig(tokens: readonly Token[], from: number): number {
  let k = from - 1;
  while (k >= 0 && (tokens[k]?.type === 'ws' || tokens[k]?.type === 'comment')) k--;
  return k;
}

/** The index of the bracket closing the one at `open` ( '(' '[' '{' ), counting nesting. */
export function matching(tokens: readonly Token[], open: number): number {
  const o = tokens[open]?.text;
  const close = o === '(' ? ')' : o === '[' ? ']' : '}';
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k];
    if (!t || t.type !== 'punct') continue;
    if (t.text === o) depth++;
    else if (t.text === close) {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** Splits the tokens strictly between `open` and its matching close into comma-separated ranges [from, to). */
export function splitArgs(tokens: readonly Token[], open: number, close: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let from = open + 1;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k];
    if (!t || t.type !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    else if (t.text === ',' && depth === 0) {
      out.push([from, k]);
      from = k + 1;
    }
  }
  if (nextSig(tokens, from) < close) out.push([from, close]);
  return out;
}
