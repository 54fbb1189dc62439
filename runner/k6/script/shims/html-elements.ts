// k6/html's per-tag Element methods (k6's html/elements.go and the accessors its generator
// writes): `a.href()`, `form.action()`, `input.value()`, `select.options()`, ... by tag name,
// each reading the element's attributes as k6 does — a string attribute is '' when missing, a
// boolean one is its presence, a number is Go's Atoi of it or a default, an enumerated one is
// one of its values or the default, a URL is resolved against the document's URL (the raw
// attribute when the document has none). html.ts gives every Element of these tags the methods.
import { parseGoUrl, resolveGoHref, resolveGoUrl, unescapeGo, type GoUrl } from './go-url.ts';

/** What a per-tag method reads of its element; `E` is the shim's Element (what methods return). */
export interface ElementAccess<E extends object> {
  /** the raw attribute, undefined when missing */
  attr(name: string): string | undefined;
  /** the document's URL ('' when parsed by parseHTML without one) */
  readonly docUrl: string;
  /** goquery's Text(): every text node under the element */
  text(): string;
  /** the inner HTML */
  html(): string;
  /** descendants matching the selector, in document order */
  find(selector: string): E[];
  /** the element itself or its nearest ancestor matching the selector (goquery Closest) */
  closest(selector: string): E | undefined;
  /** ancestors matching the selector, nearest first (goquery ParentsFiltered) */
  ancestors(selector: string): E[];
  /** children matching the selector */
  children(selector: string): E[];
  /** matches anywhere in the document (goquery's Parents().Last().Find) */
  inDocument(selector: string): E[];
  /** the access of another element (an owner form's attributes) */
  of(el: E): ElementAccess<E>;
  /** this element's position in the list, -1 when not in it (goquery IndexOfSelection) */
  indexIn(list: readonly E[]): number;
  /** the same node */
  same(x: E, y: E): boolean;
}

type Method = <E extends object>(a: ElementAccess<E>) => unknown;
type Methods = Record<string, Method>;

const str = (name: string): Method => (a) => a.attr(name) ?? '';
const bool = (name: string): Method => (a) => a.attr(name) !== undefined;
const int = (name: string, def: number): Method => (a) => atoi(a.attr(name), def);
const constant = (v: string): Method => () => v;
/** one of `values` as written, else the first (the default) */
const oneOf = (name: string, values: readonly string[]): Method => (a) => {
  const v = a.attr(name) ?? '';
  return values.includes(v) ? v : values[0];
};
/** one of `values` as written, else undefined */
const oneOfOrUndefined = (name: string, values: readonly string[]): Method => (a) => {
  const v = a.attr(name);
  return v !== undefined && values.includes(v) ? v : undefined;
};
/** the attribute resolved against the document's URL; missing: '' (or the document's URL itself) */
const url = (name: string, missing: 'empty' | 'document' = 'empty'): Method => (a) => {
  const v = a.attr(name);
  if (a.docUrl === '') return v ?? '';
  if (v === undefined) return missing === 'document' ? a.docUrl : '';
  return resolveGoHref(a.docUrl, v);
};
const textContent: Method = (a) => a.text();
const first = <E extends object>(list: readonly E[]): E | undefined => list[0];

/** Go's strconv.Atoi, or `def` */
function atoi(v: string | undefined, def: number): number {
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return def;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : def;
}

/** Go's strconv.ParseFloat, or null */
function parseFloatGo(v: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
  const w = v.toLowerCase().replace(/^[+-]/, '');
  if (w === 'inf' || w === 'infinity') return v.startsWith('-') ? -Infinity : Infinity;
  if (w === 'nan') return NaN;
  return null;
}

function valueOrHtml<E extends object>(a: ElementAccess<E>): string {
  return a.attr('value') ?? a.html();
}

/** `rel` split on single spaces, [] when empty (k6's splitAttr) */
function splitAttr<E extends object>(a: ElementAccess<E>, name: string): string[] {
  const v = a.attr(name) ?? '';
  return v === '' ? [] : v.split(' ');
}

const attrSelector = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** the form the element belongs to: its closest form, else the one its `form` attribute names */
function ownerForm<E extends object>(a: ElementAccess<E>): E | undefined {
  const closest = a.closest('form');
  if (closest !== undefined) return closest;
  const id = a.attr('form') ?? '';
  return id === '' ? undefined : first(a.inDocument(`[id=${attrSelector(id)}]`));
}

/** the labels wrapping the element, then those naming it by `for` */
function labels<E extends object>(a: ElementAccess<E>): E[] {
  const wrapping = a.closest('label');
  const out = wrapping !== undefined ? [wrapping] : [];
  const id = a.attr('id') ?? '';
  if (id === '') return out;
  for (const l of a.inDocument(`label[for=${attrSelector(id)}]`)) if (!out.some((o) => a.same(o, l))) out.push(l);
  return out;
}

/** `form<name>` on the element (formaction, ...), else `<name>` on its form */
function formOrOwn<E extends object>(a: ElementAccess<E>, name: string): string | undefined {
  const own = a.attr(`form${name}`);
  if (own !== undefined) return own;
  const form = ownerForm(a);
  return form === undefined ? undefined : a.of(form).attr(name);
}

/** The href, resolved (an empty URL when there is none). */
function hrefUrl<E extends object>(a: ElementAccess<E>): GoUrl {
  const v = a.attr('href');
  const empty = parseGoUrl('');
  if (v === undefined) return empty;
  return resolveGoUrl(parseGoUrl(a.docUrl), parseGoUrl(v));
}

/** Go's net.SplitHostPort: null when there is no port */
function splitHostPort(hostPort: string): [string, string] | null {
  const m = /^\[([^\]]*)\]:([^:]*)$/.exec(hostPort) ?? /^([^:[\]]*):([^:]*)$/.exec(hostPort);
  return m ? [m[1] as string, m[2] as string] : null;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ftp: '21' };
const REFERRER = ['', 'no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'unsafe-url'];
const CROSS_ORIGIN = ['anonymous', 'use-credentials'];
const AUTOCOMPLETE = ['on', 'off'];
const ENCTYPE = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const INPUT_TYPES = ['text', 'button', 'checkbox', 'color', 'date', 'datetime-local', 'email', 'file', 'hidden', 'image', 'month', 'number', 'password', 'radio', 'range', 'reset', 'search', 'submit', 'tel', 'time', 'url', 'week'];

const HREF: Methods = {
  download: str('download'),
  referrerPolicy: oneOf('referrerpolicy', REFERRER),
  rel: str('rel'),
  href: url('href'),
  target: str('target'),
  type: str('type'),
  accessKey: str('accesskey'),
  hrefLang: str('hreflang'),
  toString: url('href'),
  hash: (a) => {
    const f = hrefUrl(a).fragment;
    return f === '' ? '' : `#${f}`;
  },
  host: (a) => {
    const u = hrefUrl(a);
    const hp = splitHostPort(u.host);
    return hp !== null && DEFAULT_PORTS[u.scheme] === hp[1] ? hp[0] : u.host;
  },
  hostname: (a) => {
    const host = hrefUrl(a).host;
    return splitHostPort(host)?.[0] ?? host;
  },
  port: (a) => splitHostPort(hrefUrl(a).host)?.[1] ?? '',
  username: (a) => unescapeGo((hrefUrl(a).userinfo ?? '').split(':')[0] ?? ''),
  password: (a) => {
    const info = hrefUrl(a).userinfo ?? '';
    const i = info.indexOf(':');
    return i < 0 ? '' : unescapeGo(info.slice(i + 1));
  },
  origin: (a) => {
    const u = hrefUrl(a);
    if (u.scheme === '') return '';
    if (u.scheme === 'file') return url('href')(a);
    return `${u.scheme}://${u.host}`;
  },
  pathname: (a) => unescapeGo(hrefUrl(a).path),
  protocol: (a) => hrefUrl(a).scheme || ':',
  relList: (a) => splitAttr(a, 'rel'),
  search: (a) => {
    const q = hrefUrl(a).query ?? '';
    return q === '' ? '' : `?${q}`;
  },
  text: textContent,
};

const MEDIA: Methods = {
  autoplay: bool('autoplay'),
  controls: bool('controls'),
  loop: bool('loop'),
  muted: bool('muted'),
  preload: oneOf('preload', ['auto', 'metadata', 'none']),
  src: url('src'),
  crossOrigin: oneOfOrUndefined('crossorigin', CROSS_ORIGIN),
  currentSrc: str('src'),
  defaultMuted: bool('muted'),
  mediaGroup: str('mediagroup'),
  textTracks: (a) => a.find('track'),
};

const FORM_FIELD: Methods = {
  form: (a) => ownerForm(a),
  formAction: (a) => {
    const action = formOrOwn(a, 'action');
    if (a.docUrl === '') return action ?? '';
    if (action === undefined || action === '') return a.docUrl;
    return resolveGoHref(a.docUrl, action);
  },
  formEnctype: (a) => {
    const v = formOrOwn(a, 'enctype');
    return v === 'multipart/form-data' || v === 'text/plain' ? v : 'application/x-www-form-urlencoded';
  },
  formMethod: (a) => ((formOrOwn(a, 'method') ?? '').toLowerCase() === 'post' ? 'post' : 'get'),
  formNoValidate: (a) => formOrOwn(a, 'novalidate') !== undefined,
  formTarget: (a) => formOrOwn(a, 'target') ?? '',
  labels: (a) => labels(a),
  name: str('name'),
};

const MOD: Methods = { cite: str('cite'), datetime: str('datetime') };
const TABLE_SECTION: Methods = { rows: (a) => a.find('tr') };
const TABLE_CELL: Methods = {
  colSpan: int('colspan', 1),
  rowSpan: int('rowspan', 1),
  headers: str('headers'),
  cellIndex: (a) => {
    const row = first(a.ancestors('tr'));
    return row === undefined ? -1 : a.indexIn(a.of(row).find('th,td'));
  },
};

/** progress: value / max, `def` when the value is missing or not a number ≥ 0 */
function progress<E extends object>(a: ElementAccess<E>, def: number): number {
  const v = a.attr('value');
  const n = v === undefined ? null : parseFloatGo(v);
  return n === null || n < 0 ? def : n / (progressMax(a) as number);
}

function progressMax<E extends object>(a: ElementAccess<E>): number {
  const v = a.attr('max');
  const n = v === undefined ? null : parseFloatGo(v);
  return n === null || n < 0 ? 1 : n;
}

/** The methods of each tag, beside the base Element's (a tag's own win, as Go's embedding). */
export const TAG_METHODS: Readonly<Record<string, Methods>> = {
  a: HREF,
  area: HREF,
  audio: MEDIA,
  video: MEDIA,
  base: { href: url('href', 'document'), target: str('target') },
  button: {
    ...FORM_FIELD,
    accessKey: str('accesskey'),
    autofocus: bool('autofocus'),
    disabled: bool('disabled'),
    tabIndex: int('tabindex', 0),
    type: oneOf('type', ['submit', 'button', 'menu', 'reset']),
    value: (a) => valueOrHtml(a),
  },
  canvas: { width: int('width', 150), height: int('height', 150) },
  data: { value: str('value') },
  datalist: { options: (a) => a.find('option') },
  del: MOD,
  ins: MOD,
  embed: { height: str('height'), width: str('width'), src: str('src'), type: str('type') },
  fieldset: {
    disabled: bool('disabled'),
    name: str('name'),
    form: (a) => ownerForm(a),
    type: constant('fieldset'),
    elements: (a) => a.find('input,select,button,textarea'),
    validity: () => undefined,
  },
  form: {
    action: url('action'),
    name: str('name'),
    target: str('target'),
    enctype: oneOf('enctype', ENCTYPE),
    encoding: oneOf('enctype', ENCTYPE),
    acceptCharset: str('accept-charset'),
    autocomplete: oneOf('autocomplete', AUTOCOMPLETE),
    noValidate: bool('novalidate'),
    elements: (a) => a.find('input,select,button,textarea,fieldset'),
    length: (a) => a.find('input,select,button,textarea,fieldset').length,
    // as k6: only a lower-case "post" is post here (formMethod() lower-cases)
    method: (a) => (a.attr('method') === 'post' ? 'post' : 'get'),
  },
  iframe: {
    allowfullscreen: bool('allowfullscreen'),
    referrerPolicy: oneOf('referrerpolicy', REFERRER),
    height: str('height'),
    width: str('width'),
    name: str('name'),
    src: url('src'),
  },
  img: {
    currentSrc: url('src'),
    sizes: str('sizes'),
    srcset: str('srcset'),
    alt: str('alt'),
    crossOrigin: oneOfOrUndefined('crossorigin', CROSS_ORIGIN),
    height: int('height', 0),
    width: int('width', 0),
    isMap: bool('ismap'),
    name: str('name'),
    src: url('src'),
    useMap: str('usemap'),
    referrerPolicy: oneOf('referrerpolicy', REFERRER),
  },
  input: {
    ...FORM_FIELD,
    tabIndex: int('tabindex', 0),
    type: oneOf('type', INPUT_TYPES),
    disabled: bool('disabled'),
    autofocus: bool('autofocus'),
    required: bool('required'),
    value: str('value'),
    checked: bool('checked'),
    defaultChecked: bool('checked'),
    alt: str('alt'),
    src: url('src'),
    height: str('height'),
    width: str('width'),
    accept: str('accept'),
    autocomplete: oneOf('autocomplete', AUTOCOMPLETE),
    maxLength: int('maxlength', -1),
    size: int('size', 0),
    pattern: str('pattern'),
    placeholder: str('placeholder'),
    readonly: bool('readonly'),
    min: str('min'),
    max: str('max'),
    defaultValue: str('value'),
    dirName: str('dirname'),
    accessKey: str('accesskey'),
    multiple: bool('multiple'),
    step: str('step'),
    list: (a) => {
      const id = a.attr('list') ?? '';
      if (id === '' || ['hidden', 'checkbox', 'radio', 'file', 'button'].includes(a.attr('type') ?? '')) return undefined;
      return first(a.inDocument(`datalist[id=${attrSelector(id)}]`));
    },
  },
  keygen: {
    autofocus: bool('autofocus'),
    challenge: str('challenge'),
    disabled: bool('disabled'),
    keytype: oneOf('keytype', ['RSA', 'DSA', 'EC']),
    name: str('name'),
    type: constant('keygen'),
    form: (a) => ownerForm(a),
    labels: (a) => labels(a),
  },
  label: {
    htmlFor: str('for'),
    control: (a) => {
      const id = a.attr('for');
      return id === undefined ? undefined : first(a.inDocument(`[id=${attrSelector(id)}]`));
    },
    form: (a) => ownerForm(a),
  },
  legend: { accessKey: str('accesskey'), form: (a) => ownerForm(a) },
  li: { value: int('value', 0), type: oneOf('type', ['', '1', 'a', 'A', 'i', 'I', 'disc', 'square', 'circle']) },
  link: {
    crossOrigin: oneOfOrUndefined('crossorigin', CROSS_ORIGIN),
    referrerPolicy: oneOf('referrerpolicy', REFERRER),
    href: url('href'),
    hreflang: str('hreflang'),
    media: str('media'),
    rel: str('rel'),
    target: str('target'),
    type: str('type'),
    relList: (a) => splitAttr(a, 'rel'),
  },
  map: {
    name: str('name'),
    areas: (a) => a.find('area'),
    // as k6: by the map's id only (its lookup reads `id` for both id and name)
    images: (a) => {
      const id = a.attr('id');
      if (id === undefined) return [];
      const ref = attrSelector(`#${id}`);
      return a.inDocument(`img[usemap=${ref}],object[usemap=${ref}]`);
    },
  },
  meta: { content: str('content'), name: str('name'), httpEquiv: oneOf('http-equiv', ['content-type', 'default-style', 'refresh']) },
  meter: { min: int('min', 0), max: int('max', 0), high: int('high', 0), low: int('low', 0), optimum: int('optimum', 0), labels: (a) => labels(a) },
  object: {
    data: url('data'),
    height: str('height'),
    name: str('name'),
    type: str('type'),
    tabIndex: int('tabindex', 0),
    typeMustMatch: bool('typemustmatch'),
    useMap: str('usemap'),
    width: str('width'),
    form: (a) => ownerForm(a),
  },
  ol: { reversed: bool('reversed'), start: int('start', 0), type: oneOf('type', ['1', 'a', 'A', 'i', 'I']) },
  optgroup: { disabled: bool('disabled'), label: str('label') },
  option: {
    defaultSelected: bool('selected'),
    selected: bool('selected'),
    disabled: (a) => {
      if (a.attr('disabled') !== undefined) return true;
      const group = first(a.ancestors('optgroup'));
      return group !== undefined && a.of(group).attr('disabled') !== undefined;
    },
    form: (a) => {
      const form = first(a.ancestors('form'));
      if (form !== undefined) return form;
      const select = first(a.ancestors('select'));
      const id = select === undefined ? undefined : a.of(select).attr('form');
      return id === undefined ? undefined : first(a.inDocument(`form[id=${attrSelector(id)}]`));
    },
    index: (a) => {
      const holder = first(a.ancestors('select,datalist'));
      return holder === undefined ? 0 : a.indexIn(a.of(holder).find('option'));
    },
    label: (a) => a.attr('label') ?? a.text(),
    text: textContent,
    value: (a) => valueOrHtml(a),
  },
  output: {
    htmlFor: str('for'),
    name: str('name'),
    type: constant('output'),
    form: (a) => ownerForm(a),
    labels: (a) => labels(a),
    value: textContent,
    defaultValue: textContent,
  },
  param: { name: str('name'), value: str('value') },
  pre: { name: str('name'), value: str('value') },
  // k6's tag name for it (neither q nor blockquote)
  quote: { cite: str('cite') },
  progress: {
    max: (a) => progressMax(a),
    value: (a) => progress(a, 0),
    position: (a) => progress(a, -1),
    labels: (a) => labels(a),
  },
  script: {
    crossOrigin: str('crossorigin'),
    type: str('type'),
    src: url('src'),
    charset: str('charset'),
    async: bool('async'),
    defer: bool('defer'),
    noModule: bool('nomodule'),
    text: textContent,
  },
  select: {
    autofocus: bool('autofocus'),
    disabled: bool('disabled'),
    multiple: bool('multiple'),
    name: str('name'),
    required: bool('required'),
    tabIndex: int('tabindex', 0),
    form: (a) => ownerForm(a),
    labels: (a) => labels(a),
    length: (a) => a.find('option').length,
    options: (a) => a.find('option'),
    // the first option marked `selected` (k6 reads the markup: no implied first option)
    selectedIndex: (a) => {
      const selected = first(a.find('option[selected]'));
      return selected === undefined ? -1 : a.of(selected).indexIn(a.find('option'));
    },
    selectedOptions: (a) => a.find('option[selected]'),
    size: (a) => (a.attr('multiple') !== undefined ? 4 : 1),
    type: (a) => (a.attr('multiple') !== undefined ? 'select-multiple' : 'select'),
    value: (a) => {
      const selected = first(a.find('option[selected]'));
      return selected === undefined ? '' : valueOrHtml(a.of(selected));
    },
  },
  source: { keySystem: str('keysystem'), media: str('media'), sizes: str('sizes'), src: url('src'), srcset: str('srcset'), type: str('type') },
  style: { media: str('media'), type: (a) => a.attr('type') || 'text/css' },
  table: {
    sortable: bool('sortable'),
    caption: (a) => first(a.children('caption')),
    tHead: (a) => first(a.children('thead')),
    tFoot: (a) => first(a.children('tfoot')),
    rows: (a) => a.find('tr'),
    tBodies: (a) => a.find('tbody'),
  },
  thead: TABLE_SECTION,
  tfoot: TABLE_SECTION,
  tbody: TABLE_SECTION,
  tr: {
    cells: (a) => a.find('th,td'),
    rowIndex: (a) => {
      const table = first(a.ancestors('table'));
      return table === undefined ? -1 : a.indexIn(a.of(table).find('tr'));
    },
    sectionRowIndex: (a) => {
      const section = first(a.ancestors('thead,tbody,tfoot'));
      return section === undefined ? -1 : a.indexIn(a.of(section).find('tr'));
    },
  },
  col: { span: (a) => Math.max(1, atoi(a.attr('span'), 1)) },
  td: TABLE_CELL,
  th: { ...TABLE_CELL, abbr: str('abbr'), scope: oneOf('scope', ['', 'row', 'col', 'colgroup', 'rowgroup']), sorted: bool('sorted') },
  textarea: {
    type: constant('textarea'),
    // as k6: the `value` attribute (not the text between the tags; val() reads that)
    value: str('value'),
    defaultValue: str('value'),
    placeholder: str('placeholder'),
    rows: int('rows', 0),
    cols: int('cols', 0),
    maxLength: int('maxlength', 0),
    tabIndex: int('tabindex', 0),
    accessKey: str('accesskey'),
    readOnly: bool('readonly'),
    required: bool('required'),
    autocomplete: oneOf('autocomplete', AUTOCOMPLETE),
    autocapitalize: oneOf('autocapitalize', ['sentences', 'none', 'off', 'characters', 'words']),
    wrap: oneOf('wrap', ['soft', 'hard', 'off']),
    form: (a) => ownerForm(a),
    // Go's len(): bytes of UTF-8
    length: (a) => Buffer.byteLength(a.attr('value') ?? '', 'utf8'),
    labels: (a) => labels(a),
  },
  time: { datetime: str('datetime') },
  title: { text: textContent },
  track: {
    kind: oneOf('kind', ['subtitle', 'captions', 'descriptions', 'chapters', 'metadata']),
    src: url('src'),
    srclang: str('srclang'),
    label: str('label'),
    default: bool('default'),
  },
  ul: { type: str('type') },
};
