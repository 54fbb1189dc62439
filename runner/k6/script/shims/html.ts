// `k6/html` (parseHTML, Selection, Element) and Response.html() on cheerio, with k6's semantics
// where they differ from jQuery/cheerio (k6 wraps goquery): each() hands its callback an
// Element, map() a Selection and keeps what the callback returns as it is, attr() of a missing
// attribute is undefined, html() of nothing is '', data() converts its keys and values as k6
// does, val() follows the element's kind, Element's fields are methods (`el.nodeName()`).
// The documents are parsed by parse5 (cheerio's default), an HTML5 parser like Go's
// golang.org/x/net/html under goquery: the same tree (implied html/head/body included).
// This module is bundled into a compiled script only when it imports k6/html or calls
// html()/submitForm()/clickLink() on something (transform.ts), so only those scripts load cheerio.
import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import { TAG_METHODS, type ElementAccess } from './html-elements.ts';
import { useHtmlParser } from './http.ts';

/** The part of a domhandler node (cheerio's tree) this module reads. */
interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  namespace?: string;
  parent: DomNode | null;
  prev: DomNode | null;
  next: DomNode | null;
  children?: DomNode[];
}

type Sel = Cheerio<never>;

const XHTML = 'http://www.w3.org/1999/xhtml';
const SEQUENTIAL = Symbol.for('stampede.k6.sequential');

function isElement(n: DomNode): boolean {
  return n.type === 'tag' || n.type === 'script' || n.type === 'style';
}

/** goquery's NodeName: the tag, or #text, #comment, #document; a doctype's name */
function nodeName(n: DomNode | undefined): string {
  if (!n) return '';
  switch (n.type) {
    case 'text':
      return '#text';
    case 'comment':
      return '#comment';
    case 'root':
      return '#document';
    case 'directive':
      return (n.data ?? '').replace(/^!doctype\s+/i, '').split(/\s/)[0]?.toLowerCase() ?? '';
    default:
      return n.name ?? '';
  }
}

/** goquery's Text(): the text nodes under every node, in order (a comment's own text is not text) */
function textOf(nodes: readonly DomNode[]): string {
  let out = '';
  const walk = (n: DomNode) => {
    if (n.type === 'text') out += n.data ?? '';
    for (const c of n.children ?? []) walk(c);
  };
  for (const n of nodes) walk(n);
  return out;
}

/** data-* keys as k6 names them: `data-user-name` → `userName` */
function attrToProperty(s: string): string {
  return s.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** `userName` → `user-name` */
function propertyToAttr(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** k6's data- value conversion: JSON for {…}/[…], true/false, numbers whose text survives the round trip; '' null undefined → undefined */
function dataValue(v: string): unknown {
  if (v === '' || v === 'null' || v === 'undefined') return undefined;
  if (v[0] === '{' || v[0] === '[') {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  if (v === 'true') return true;
  if (v === 'false') return false;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) && String(n) === v ? n : v;
}

export class Selection {
  /** the document's URL (Response.html()): links and form actions resolve against it */
  readonly url: string;
  readonly #$: CheerioAPI;
  readonly #sel: Sel;

  constructor($: CheerioAPI, sel: Sel, url: string) {
    this.#$ = $;
    this.#sel = sel;
    this.url = url;
  }

  #wrap(sel: Cheerio<unknown>): Selection {
    return new Selection(this.#$, sel as Sel, this.url);
  }

  #nodes(): DomNode[] {
    return this.#sel.toArray() as unknown as DomNode[];
  }

  #one(n: DomNode): Selection {
    return this.#wrap(this.#$(n as never));
  }

  #element(n: DomNode): Element {
    return elementOf(n, this.#$, this.url);
  }

  /** a selector, Selection or Element as cheerio takes it (k6 accepts the three) */
  #arg(arg: unknown, what: string): string | Sel | never {
    if (typeof arg === 'string') return arg;
    if (arg instanceof Selection) return arg.#sel;
    if (arg instanceof Element) return arg.selection().#sel;
    throw new TypeError(`${what}: invalid argument, cannot use a ${arg === null ? 'null' : typeof arg} as a selector`);
  }

  /** the callback's matcher: k6 passes (index, Selection of the element) */
  #matcher(fn: (i: number, s: Selection) => unknown): (this: unknown, i: number, el: never) => boolean {
    const self = this;
    return function (i, el) {
      return Boolean(fn.call(fn, i, self.#one(el as unknown as DomNode)));
    };
  }

  size(): number {
    return this.#sel.length;
  }

  find(arg: unknown): Selection {
    return this.#wrap(this.#sel.find(this.#arg(arg, 'find()') as string));
  }

  add(arg: unknown): Selection {
    return this.#wrap(this.#sel.add(this.#arg(arg, 'add()') as string));
  }

  closest(arg: unknown): Selection {
    return this.#wrap(this.#sel.closest(this.#arg(arg, 'closest()') as string));
  }

  has(arg: unknown): Selection {
    return this.#wrap(this.#sel.has(this.#arg(arg, 'has()') as string));
  }

  not(arg: unknown): Selection {
    if (typeof arg === 'function') return this.#wrap(this.#sel.not(this.#matcher(arg as (i: number, s: Selection) => unknown)));
    return this.#wrap(this.#sel.not(this.#arg(arg, 'not()') as string));
  }

  filter(arg: unknown): Selection {
    if (typeof arg === 'function') return this.#wrap(this.#sel.filter(this.#matcher(arg as (i: number, s: Selection) => unknown)));
    if (typeof arg !== 'string' && !(arg instanceof Selection)) throw new TypeError('the argument to filter() must be a function, a selector or a selection');
    return this.#wrap(this.#sel.filter(this.#arg(arg, 'filter()') as string));
  }

  is(arg: unknown): boolean {
    if (typeof arg === 'function') return this.#sel.is(this.#matcher(arg as (i: number, s: Selection) => unknown));
    if (typeof arg !== 'string' && !(arg instanceof Selection)) throw new TypeError('the argument to is() must be a function, a selector or a selection');
    return this.#sel.is(this.#arg(arg, 'is()') as string);
  }

  next(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.next() : this.#sel.next(selector));
  }

  nextAll(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.nextAll() : this.#sel.nextAll(selector));
  }

  prev(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.prev() : this.#sel.prev(selector));
  }

  prevAll(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.prevAll() : this.#sel.prevAll(selector));
  }

  parent(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.parent() : this.#sel.parent(selector));
  }

  parents(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.parents() : this.#sel.parents(selector));
  }

  siblings(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.siblings() : this.#sel.siblings(selector));
  }

  children(selector?: string): Selection {
    return this.#wrap(selector === undefined ? this.#sel.children() : this.#sel.children(selector));
  }

  contents(): Selection {
    return this.#wrap(this.#sel.contents());
  }

  /** (selector | Selection | null, filter?): k6's two-argument forms */
  #until(kind: 'nextUntil' | 'prevUntil' | 'parentsUntil', until: unknown, filter: unknown): Selection {
    const stop = until === undefined || until === null ? undefined : this.#arg(until, `${kind}()`);
    const f = filter === undefined || filter === null ? undefined : String(filter);
    return this.#wrap(this.#sel[kind](stop as string | undefined, f));
  }

  nextUntil(until?: unknown, filter?: unknown): Selection {
    return this.#until('nextUntil', until, filter);
  }

  prevUntil(until?: unknown, filter?: unknown): Selection {
    return this.#until('prevUntil', until, filter);
  }

  parentsUntil(until?: unknown, filter?: unknown): Selection {
    return this.#until('parentsUntil', until, filter);
  }

  end(): Selection {
    return this.#wrap(this.#sel.end());
  }

  eq(i: number): Selection {
    return this.#wrap(this.#sel.eq(Number(i)));
  }

  first(): Selection {
    return this.#wrap(this.#sel.first());
  }

  last(): Selection {
    return this.#wrap(this.#sel.last());
  }

  /** start and end as Array.slice (an end past the last element is the end, as k6) */
  slice(start: number, end?: number): Selection {
    return this.#wrap(this.#sel.slice(Number(start), end === undefined ? undefined : Number(end)));
  }

  /** the text of every matched element, concatenated (goquery's Text) */
  text(): string {
    return textOf(this.#nodes());
  }

  /** the inner HTML of the first element; '' for an empty selection (k6), not null (cheerio) */
  html(): string {
    if (this.#sel.length === 0) return '';
    return this.#sel.first().html() ?? '';
  }

  /** the first element's attribute; `def` (or undefined) when it has none */
  attr(name: string, def?: unknown): unknown {
    const n = this.#nodes()[0];
    const v = n?.attribs?.[String(name)];
    return v === undefined ? def : v;
  }

  /** the form value by the first element's kind, as k6 reads it */
  val(): unknown {
    const n = this.#nodes()[0];
    switch (nodeName(n)) {
      case 'input': {
        const v = this.attr('value');
        if (v !== undefined) return v;
        const type = this.attr('type');
        return type === 'radio' || type === 'checkbox' ? 'on' : '';
      }
      case 'button':
        return this.attr('value') ?? '';
      case 'textarea':
        return this.html();
      case 'option':
        return valueOrHtml(this);
      case 'select': {
        // k6: the options with a selected attribute (none selected: '', not the first option)
        const selected = this.first().find('option[selected]');
        if (this.attr('multiple') !== undefined) return selected.toArray().map(valueOrHtml);
        return valueOrHtml(selected);
      }
      default:
        return undefined;
    }
  }

  /** data-* attributes of the first element: all as an object, or one by its property name */
  data(key?: string): unknown {
    const attribs = this.#nodes()[0]?.attribs;
    if (!attribs || Object.keys(attribs).length === 0) return undefined;
    if (key !== undefined) {
      const v = attribs[`data-${propertyToAttr(String(key))}`];
      return v === undefined ? undefined : dataValue(v);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attribs)) if (k.startsWith('data-') && k.length > 5) out[attrToProperty(k.slice(5))] = dataValue(v);
    return out;
  }

  /** k6: fn(index, Element), called with the function as `this`; returns this selection */
  each(fn: unknown): Selection {
    if (typeof fn !== 'function') throw new TypeError('the argument to each() must be a function');
    this.#nodes().forEach((n, i) => {
      try {
        (fn as (i: number, e: Element) => unknown).call(fn, i, this.#element(n));
      } catch (e) {
        throw new Error(`the function passed to each() failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    });
    return this;
  }

  /** k6: fn(index, Selection); the values as returned (not flattened, nulls kept); a callback that throws leaves its value out */
  map(fn: unknown): unknown[] {
    if (typeof fn !== 'function') throw new TypeError('the argument to map() must be a function');
    const out: unknown[] = [];
    this.#nodes().forEach((n, i) => {
      try {
        out.push((fn as (i: number, s: Selection) => unknown).call(fn, i, this.#one(n)));
      } catch {
        // k6 drops the value of a callback that failed
      }
    });
    return out;
  }

  /** no index: every Element; an index (negative from the end): that Element, or undefined */
  get(i?: number): Element | Element[] | undefined {
    const nodes = this.#nodes();
    if (i === undefined) return nodes.map((n) => this.#element(n));
    const k = Number(i);
    if (!(k < nodes.length && k > -nodes.length)) return undefined;
    const n = nodes[k < 0 ? nodes.length + k : k] as DomNode;
    return this.#element(n);
  }

  /** a Selection per element (k6), not the nodes (cheerio) */
  toArray(): Selection[] {
    return this.#nodes().map((n) => this.#one(n));
  }

  /** no argument: the first element's position among its element siblings; a selector, Selection or Element: where it is */
  index(arg?: unknown): number {
    if (arg === undefined) return this.#sel.index();
    if (typeof arg === 'string') return this.#sel.index(arg);
    if (arg instanceof Selection) return this.#sel.index(arg.#sel);
    if (arg instanceof Element) return this.#nodes().indexOf(arg.node);
    return -1;
  }

  /** {name, value} of the form's (or these) submittable fields, as k6 picks them */
  serializeArray(): Array<{ name: string; value: unknown }> {
    const submittable = 'input,select,textarea,keygen';
    const fields = this.is('form') ? this.find(submittable) : this.filter(submittable);
    return fields
      .toArray()
      .filter((f) => {
        const name = f.attr('name', '') as string;
        const type = f.attr('type', '') as string;
        // k6 compares the attributes' values: a bare `checked` or `disabled` (value '') does not count
        const disabled = f.attr('disabled', '');
        const checked = f.attr('checked', '');
        return name !== '' && disabled !== 'disabled' && !['submit', 'button', 'reset', 'image', 'file'].includes(type) && (checked === 'checked' || (type !== 'checkbox' && type !== 'radio'));
      })
      .map((f) => ({ name: f.attr('name') as string, value: f.val() }));
  }

  /** the fields by name (a later field of the same name wins) */
  serializeObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { name, value } of this.serializeArray()) out[name] = value;
    return out;
  }

  /** the fields URL-encoded as Go's url.Values.Encode (k6): sorted by name, spaces as '+' */
  serialize(): string {
    const values = new Map<string, string[]>();
    for (const { name, value } of this.serializeArray()) {
      if (typeof value === 'string') values.set(name, [value]);
      else if (Array.isArray(value)) values.set(name, value.map(String));
    }
    return encodeValues(values);
  }

  /** the sequential forms of each/map/filter whose callback makes requests (runtime.ts each) */
  async [SEQUENTIAL](method: string, cb: (...a: unknown[]) => unknown): Promise<unknown> {
    const nodes = this.#nodes();
    if (method === 'each') {
      for (const [i, n] of nodes.entries()) await cb.call(cb, i, this.#element(n));
      return this;
    }
    if (method === 'map') {
      const out: unknown[] = [];
      for (const [i, n] of nodes.entries()) {
        try {
          out.push(await cb.call(cb, i, this.#one(n)));
        } catch {
          // as map() above
        }
      }
      return out;
    }
    if (method === 'filter') {
      const kept: DomNode[] = [];
      for (const [i, n] of nodes.entries()) if (await cb.call(cb, i, this.#one(n))) kept.push(n);
      return this.#wrap(this.#$(kept as never[]));
    }
    throw new Error(`Selection.${method}() with a callback that makes requests is not supported by Stampede; use each(), map() or filter(), or a for...of loop over toArray()`);
  }
}

function valueOrHtml(s: Selection): string {
  const v = s.attr('value');
  return typeof v === 'string' ? v : s.html();
}

/** Go's url.Values.Encode: keys sorted, QueryEscape (space → '+') */
export function encodeValues(values: ReadonlyMap<string, readonly string[]>): string {
  const esc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...values.keys()]
    .sort()
    .flatMap((k) => (values.get(k) ?? []).map((v) => `${esc(k)}=${esc(v)}`))
    .join('&');
}

const NODE_TYPES: Record<string, number> = { tag: 1, script: 1, style: 1, text: 3, comment: 8, root: 9, directive: 10 };

export interface Attribute {
  name: string;
  value: string;
  owner_element: Element;
  prefix(): string;
  namespaceURI(): string;
  localName(): string;
}

/**
 * k6's Element: the DOM-like view of one node, its fields as methods (`el.nodeName()`); an
 * element of a tag in TAG_METHODS (html-elements.ts) is of a subclass with that tag's methods.
 */
export class Element {
  readonly node: DomNode;
  readonly #$: CheerioAPI;
  readonly #url: string;
  #selection: Selection | undefined;

  constructor(node: DomNode, $: CheerioAPI, url: string) {
    this.node = node;
    this.#$ = $;
    this.#url = url;
  }

  /** what the per-tag methods read of an element */
  static access(el: Element): ElementAccess<Element> {
    const $ = el.#$;
    const url = el.#url;
    const node = el.node;
    const list = (sel: Cheerio<unknown>) => (sel.toArray() as unknown as DomNode[]).map((n) => elementOf(n, $, url));
    const me = () => $(node as never);
    return {
      attr: (name) => node.attribs?.[name],
      docUrl: url,
      text: () => textOf([node]),
      html: () => me().html() ?? '',
      find: (selector) => list(me().find(selector)),
      closest: (selector) => list(me().closest(selector))[0],
      ancestors: (selector) => list(me().parents(selector)),
      children: (selector) => list(me().children(selector)),
      inDocument: (selector) => list($.root().find(selector)),
      of: (other) => Element.access(other),
      indexIn: (items) => items.findIndex((e) => e.node === node),
      same: (x, y) => x.node === y.node,
    };
  }

  #of(n: DomNode | null | undefined): Element | undefined {
    return n ? elementOf(n, this.#$, this.#url) : undefined;
  }

  /** the Selection of this one node */
  selection(): Selection {
    return (this.#selection ??= new Selection(this.#$, this.#$(this.node as never) as Sel, this.#url));
  }

  nodeName(): string {
    return nodeName(this.node);
  }

  nodeType(): number | undefined {
    return NODE_TYPES[this.node.type];
  }

  /** a text node's text, a comment's '' (goquery reads a comment's text as text nodes: none) */
  nodeValue(): string | undefined {
    if (this.node.type === 'text') return this.node.data ?? '';
    if (this.node.type === 'comment') return '';
    return undefined;
  }

  id(): string {
    return this.node.attribs?.id ?? '';
  }

  innerHTML(): string {
    return this.selection().html();
  }

  textContent(): string {
    return textOf([this.node]);
  }

  toString(): string {
    return isElement(this.node) ? '[object html.Node]' : `[object ${nodeName(this.node)}]`;
  }

  attributes(): Record<string, Attribute> {
    const out: Record<string, Attribute> = {};
    for (const name of Object.keys(this.node.attribs ?? {})) out[name] = this.#attribute(name);
    return out;
  }

  #attribute(name: string): Attribute {
    const value = this.node.attribs?.[name] ?? '';
    const prefix = (this.node as unknown as { 'x-attribsPrefix'?: Record<string, string | undefined> })['x-attribsPrefix']?.[name] ?? '';
    return { name, value, owner_element: this, prefix: () => prefix, namespaceURI: () => namespaceOf(prefix), localName: () => name };
  }

  getAttribute(name: string): string | undefined {
    return this.node.attribs?.[String(name)];
  }

  getAttributeNode(name: string): Attribute | undefined {
    return this.node.attribs?.[String(name)] === undefined ? undefined : this.#attribute(String(name));
  }

  hasAttribute(name: string): boolean {
    return this.node.attribs?.[String(name)] !== undefined;
  }

  hasAttributes(): boolean {
    return Object.keys(this.node.attribs ?? {}).length > 0;
  }

  hasChildNodes(): boolean {
    return (this.node.children?.length ?? 0) > 0;
  }

  firstChild(): Element | undefined {
    return this.#of(this.node.children?.[0]);
  }

  lastChild(): Element | undefined {
    return this.#of(this.node.children?.at(-1));
  }

  childNodes(): Element[] {
    return (this.node.children ?? []).map((n) => elementOf(n, this.#$, this.#url));
  }

  children(): Element[] {
    return (this.node.children ?? []).filter(isElement).map((n) => elementOf(n, this.#$, this.#url));
  }

  childElementCount(): number {
    return (this.node.children ?? []).filter(isElement).length;
  }

  firstElementChild(): Element | undefined {
    return this.children()[0];
  }

  lastElementChild(): Element | undefined {
    return this.children().at(-1);
  }

  previousSibling(): Element | undefined {
    return this.#of(this.node.prev);
  }

  nextSibling(): Element | undefined {
    return this.#of(this.node.next);
  }

  previousElementSibling(): Element | undefined {
    let n = this.node.prev;
    while (n && !isElement(n)) n = n.prev;
    return this.#of(n);
  }

  nextElementSibling(): Element | undefined {
    let n = this.node.next;
    while (n && !isElement(n)) n = n.next;
    return this.#of(n);
  }

  /** the parent when it is an element (the html element has none: its parent is the document) */
  parentElement(): Element | undefined {
    const p = this.node.parent;
    return p && isElement(p) ? this.#of(p) : undefined;
  }

  parentNode(): Element | undefined {
    return this.#of(this.node.parent);
  }

  ownerDocument(): Element | undefined {
    let n: DomNode | null = this.node;
    while (n && n.type !== 'root') n = n.parent;
    return this.#of(n);
  }

  classList(): string[] {
    return (this.node.attribs?.class ?? '').split(/\s+/).filter((c) => c !== '');
  }

  className(): string | undefined {
    return this.node.attribs?.class;
  }

  lang(): string | undefined {
    return this.node.attribs?.lang;
  }

  /** k6 compares the two elements' inner HTML */
  isEqualNode(other: unknown): boolean {
    return other instanceof Element && this.innerHTML() === other.innerHTML();
  }

  isSameNode(other: unknown): boolean {
    return other instanceof Element && other.node === this.node;
  }

  getElementsByClassName(name: string): Element[] {
    return this.selection().find(`.${String(name)}`).get() as Element[];
  }

  getElementsByTagName(name: string): Element[] {
    return this.selection().find(String(name)).get() as Element[];
  }

  querySelector(selector: string): Element | undefined {
    return this.selection().find(String(selector)).get(0) as Element | undefined;
  }

  querySelectorAll(selector: string): Element[] {
    return this.selection().find(String(selector)).get() as Element[];
  }

  /** a descendant (not the element itself, as the DOM) */
  contains(other: unknown): boolean {
    if (!(other instanceof Element) || other.node === this.node) return false;
    for (let n = other.node.parent; n; n = n.parent) if (n === this.node) return true;
    return false;
  }

  matches(selector: string): boolean {
    return this.selection().is(String(selector));
  }

  namespaceURI(): string {
    return this.node.namespace ?? XHTML;
  }

  isDefaultNamespace(): boolean {
    return (this.node.namespace ?? XHTML) === XHTML;
  }
}

function namespaceOf(prefix: string): string {
  if (prefix === 'svg') return 'http://www.w3.org/2000/svg';
  if (prefix === 'math') return 'http://www.w3.org/1998/Math/MathML';
  return XHTML;
}

/** Per tag, a subclass of Element with the tag's methods (they take no arguments, as k6's). */
const TAG_CLASSES = new Map<string, typeof Element>(
  Object.entries(TAG_METHODS).map(([tag, methods]) => {
    const C = class extends Element {};
    for (const [name, fn] of Object.entries(methods)) {
      Object.defineProperty(C.prototype, name, {
        value: function (this: Element) {
          return fn(Element.access(this));
        },
        writable: true,
        configurable: true,
      });
    }
    return [tag, C] as const;
  }),
);

function elementOf(node: DomNode, $: CheerioAPI, url: string): Element {
  const C = node.type === 'tag' || node.type === 'script' || node.type === 'style' ? TAG_CLASSES.get(node.name ?? '') : undefined;
  return new (C ?? Element)(node, $, url);
}

/** k6 parseHTML(src): the document as a Selection */
export function parseHTML(src: unknown, url = ''): Selection {
  const $ = load(String(src ?? ''));
  return new Selection($, $.root() as unknown as Sel, url);
}

// Response.html() parses with this module once a script has it
useHtmlParser(parseHTML);

const ns = { parseHTML };
export { ns as default };
