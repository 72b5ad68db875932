// k6/html's Element (https://grafana.com/docs/k6/latest/javascript-api/k6-html/element/):
// what Selection.get(), each() and the DOM-like methods return. Every tag k6
// gives a class of its own (an <a>, a <form>, a <select>…) has its methods
// here too, with the defaults k6 gives them.
import type { AnyNode, Element as DomElement, ProcessingInstruction } from 'domhandler';
import type { Selection } from './html.ts';
import { isElementNode, NODES, valueOrHtml } from './html-nodes.ts';

const NODE_TYPES: Partial<Record<string, number>> = {
  tag: 1,
  script: 1,
  style: 1,
  text: 3,
  comment: 8,
  root: 9,
  directive: 10,
};
const NAMESPACES: Record<string, string> = {
  svg: 'http://www.w3.org/2000/svg',
  math: 'http://www.w3.org/1998/Math/MathML',
};
const XHTML = 'http://www.w3.org/1999/xhtml';

class Attribute {
  readonly #prefix: string;
  constructor(
    readonly ownerElement: Element,
    readonly name: string,
    readonly value: string,
    prefix: string,
  ) {
    this.#prefix = prefix;
  }
  prefix(): string {
    return this.#prefix;
  }
  namespaceURI(): string {
    return NAMESPACES[this.#prefix] ?? XHTML;
  }
  localName(): string {
    return this.name;
  }
}

/** The Element of the first node of `s`, of the class its tag calls for; undefined for none. */
export function elementOf(s: Selection): Element | undefined {
  const node = s[NODES]()[0];
  if (!node) return undefined;
  const cls = isElementNode(node) ? ELEMENT_CLASSES[node.name] : undefined;
  return new (cls ?? Element)(node, s);
}

function list(s: Selection): Element[] {
  return s.toArray().map((x) => elementOf(x)!);
}

/**
 * A node as k6's Element shows it: DOM-like methods (nodeName(), textContent(),
 * querySelector()…), plus those of its tag (href() of an <a>, options() of a
 * <select>…). Every one is a method call, as in k6.
 */
export class Element {
  declare readonly node: AnyNode;
  declare readonly sel: Selection;

  constructor(node: AnyNode, sel: Selection) {
    // Not enumerable: JSON.stringify(element) gives {} as in k6, not the
    // whole (circular) tree.
    Object.defineProperties(this, { node: { value: node }, sel: { value: sel } });
  }

  protected attrString(name: string): string {
    const v = this.sel.attr(name);
    return typeof v === 'string' ? v : '';
  }

  protected attrPresent(name: string): boolean {
    return this.sel.attr(name) !== undefined;
  }

  protected attrInt(name: string, fallback: number): number {
    const v = this.sel.attr(name);
    if (typeof v !== 'string' || !/^[-+]?\d+$/.test(v)) return fallback;
    return Number(v);
  }

  /** An attribute as a URL: resolved against the document's URL when it has one. */
  protected attrUrl(name: string, whenMissing: string): string {
    const v = this.sel.attr(name);
    if (!this.sel.url) return typeof v === 'string' ? v : '';
    if (typeof v !== 'string') return whenMissing;
    try {
      return new URL(v, this.sel.url).href;
    } catch {
      return whenMissing;
    }
  }

  /** The element's document, for lookups by id ("#x" anywhere in it). */
  protected document(): Selection {
    let n: AnyNode = this.node;
    while (n.parent) n = n.parent;
    return this.sel.of(n);
  }

  protected ownerForm(): Selection | undefined {
    const wrapping = this.sel.closest('form');
    if (wrapping.size()) return wrapping;
    const id = this.attrString('form');
    if (!id) return undefined;
    const found = this.document().find(`[id="${cssString(id)}"]`);
    return found.size() ? found.first() : undefined;
  }

  protected formElement(): Element | undefined {
    const f = this.ownerForm();
    return f && elementOf(f.eq(0));
  }

  protected labelElements(): Element[] {
    const wrapping = this.sel.closest('label');
    const id = this.attrString('id');
    const byFor = id ? this.document().find(`label[for="${cssString(id)}"]`) : undefined;
    return list(byFor?.size() ? wrapping.add(byFor) : wrapping);
  }

  selection(): Selection {
    return this.sel;
  }

  nodeName(): string {
    const n = this.node;
    switch (n.type) {
      case 'text':
        return '#text';
      case 'comment':
        return '#comment';
      case 'root':
        return '#document';
      case 'directive':
        return ((n as ProcessingInstruction)['x-name'] as string | undefined) ?? 'html';
      case 'cdata':
        return '#cdata-section';
      default:
        return (n as DomElement).name;
    }
  }

  nodeType(): number | undefined {
    return NODE_TYPES[this.node.type];
  }

  nodeValue(): string | undefined {
    return this.node.type === 'text' || this.node.type === 'comment' ? this.sel.text() : undefined;
  }

  id(): string {
    return this.attrString('id');
  }

  innerHTML(): string {
    return this.sel.html();
  }

  textContent(): string {
    return this.sel.text();
  }

  ownerDocument(): Element | undefined {
    let n: AnyNode = this.node;
    while (n.parent) n = n.parent;
    return n.type === 'root' ? elementOf(this.sel.of(n)) : undefined;
  }

  attributes(): Record<string, Attribute> {
    const out: Record<string, Attribute> = {};
    if (isElementNode(this.node)) {
      const prefixes = this.node['x-attribsPrefix'] ?? {};
      for (const [name, value] of Object.entries(this.node.attribs))
        out[name] = new Attribute(this, name, value, prefixes[name] ?? '');
    }
    return out;
  }

  #near(n: AnyNode | null | undefined): Element | undefined {
    return n ? elementOf(this.sel.of(n)) : undefined;
  }

  firstChild(): Element | undefined {
    return 'children' in this.node ? this.#near(this.node.children[0]) : undefined;
  }

  lastChild(): Element | undefined {
    return 'children' in this.node ? this.#near(this.node.children.at(-1)) : undefined;
  }

  nextSibling(): Element | undefined {
    return this.#near(this.node.next);
  }

  previousSibling(): Element | undefined {
    return this.#near(this.node.prev);
  }

  firstElementChild(): Element | undefined {
    return elementOf(this.sel.children().first());
  }

  lastElementChild(): Element | undefined {
    return elementOf(this.sel.children().last());
  }

  nextElementSibling(): Element | undefined {
    return elementOf(this.sel.next());
  }

  previousElementSibling(): Element | undefined {
    return elementOf(this.sel.prev());
  }

  parentElement(): Element | undefined {
    return elementOf(this.sel.parent());
  }

  parentNode(): Element | undefined {
    return this.#near(this.node.parent);
  }

  childNodes(): Element[] {
    return list(this.sel.contents());
  }

  children(): Element[] {
    return list(this.sel.children());
  }

  childElementCount(): number {
    return this.sel.children().size();
  }

  classList(): string[] {
    return this.attrString('class').split(/\s+/).filter(Boolean);
  }

  className(): string | undefined {
    return this.sel.attr('class') as string | undefined;
  }

  lang(): string | undefined {
    return this.sel.attr('lang') as string | undefined;
  }

  toString(): string {
    return isElementNode(this.node) ? '[object html.Node]' : `[object ${this.nodeName()}]`;
  }

  hasAttribute(name: string): boolean {
    return this.attrPresent(name);
  }

  getAttribute(name: string): string | undefined {
    return this.sel.attr(name) as string | undefined;
  }

  getAttributeNode(name: string): Attribute | undefined {
    return this.attributes()[name];
  }

  hasAttributes(): boolean {
    return isElementNode(this.node) && Object.keys(this.node.attribs).length > 0;
  }

  hasChildNodes(): boolean {
    return 'children' in this.node && this.node.children.length > 0;
  }

  isSameNode(other: unknown): boolean {
    return other instanceof Element && other.node === this.node;
  }

  /** k6: the same markup inside. */
  isEqualNode(other: unknown): boolean {
    return other instanceof Element && other.innerHTML() === this.innerHTML();
  }

  getElementsByClassName(name: string): Element[] {
    return list(this.sel.find(`.${name}`));
  }

  getElementsByTagName(name: string): Element[] {
    return list(this.sel.find(name));
  }

  querySelector(selector: string): Element | undefined {
    return elementOf(this.sel.find(selector));
  }

  querySelectorAll(selector: string): Element[] {
    return list(this.sel.find(selector));
  }

  /** Whether `other` is inside this element (not itself, as in the DOM). */
  contains(other: unknown): boolean {
    if (!(other instanceof Element) || other.node === this.node) return false;
    for (let n = other.node.parent; n; n = n.parent) if (n === this.node) return true;
    return false;
  }

  matches(selector: string): boolean {
    return this.sel.is(selector);
  }

  namespaceURI(): string {
    return isElementNode(this.node) ? (this.node.namespace ?? XHTML) : XHTML;
  }

  isDefaultNamespace(): boolean {
    return this.namespaceURI() === XHTML;
  }
}

/** A CSS attribute-selector string body: quotes and backslashes escaped. */
function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

// --- the elements of particular tags ---------------------------------------------

/** The parts of a URL as Go's net/url parses them (relative references too). */
function urlParts(href: string) {
  const m =
    /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/(?:([^@/?#]*)@)?([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(
      href,
    );
  const [, scheme = '', userinfo, host = '', path = '', query = '', fragment = ''] = m ?? [];
  const colon = userinfo?.indexOf(':') ?? -1;
  return {
    scheme: scheme.toLowerCase(),
    username: userinfo === undefined ? '' : decode(colon < 0 ? userinfo : userinfo.slice(0, colon)),
    password: userinfo === undefined || colon < 0 ? '' : decode(userinfo.slice(colon + 1)),
    host,
    path: decode(path),
    query,
    fragment: decode(fragment),
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function splitHostPort(host: string): [string, string] | undefined {
  const m = /^(\[[^\]]*\]|[^:]*):(\d*)$/.exec(host);
  return m ? [m[1]!.replace(/^\[(.*)\]$/, '$1'), m[2]!] : undefined;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ftp: '21' };

class HrefElement extends Element {
  #url() {
    return urlParts(this.attrUrl('href', ''));
  }
  hash(): string {
    const f = this.#url().fragment;
    return f ? `#${f}` : '';
  }
  host(): string {
    const u = this.#url();
    const hp = splitHostPort(u.host);
    return hp && DEFAULT_PORTS[u.scheme] === hp[1] ? u.host.slice(0, -(hp[1].length + 1)) : u.host;
  }
  hostname(): string {
    const { host } = this.#url();
    return splitHostPort(host)?.[0] ?? host;
  }
  port(): string {
    return splitHostPort(this.#url().host)?.[1] ?? '';
  }
  username(): string {
    return this.#url().username;
  }
  password(): string {
    return this.#url().password;
  }
  origin(): string {
    const u = this.#url();
    if (!u.scheme) return '';
    return u.scheme === 'file' ? this.attrUrl('href', '') : `${u.scheme}://${u.host}`;
  }
  pathname(): string {
    return this.#url().path;
  }
  protocol(): string {
    return this.#url().scheme || ':';
  }
  relList(): string[] {
    const rel = this.attrString('rel');
    return rel ? rel.split(' ') : [];
  }
  search(): string {
    const q = this.#url().query;
    return q ? `?${q}` : '';
  }
  text(): string {
    return this.textContent();
  }
  override toString(): string {
    return this.attrUrl('href', '');
  }
}

class FormFieldElement extends Element {
  form(): Element | undefined {
    return this.formElement();
  }
  #formAttr(name: string): string | undefined {
    const own = this.sel.attr(`form${name}`);
    if (typeof own === 'string') return own;
    const v = this.ownerForm()?.attr(name);
    return typeof v === 'string' ? v : undefined;
  }
  formAction(): string {
    const action = this.#formAttr('action');
    if (!this.sel.url) return action ?? '';
    if (!action) return this.sel.url;
    try {
      return new URL(action, this.sel.url).href;
    } catch {
      return action;
    }
  }
  formEnctype(): string {
    const e = this.#formAttr('enctype');
    return e === 'multipart/form-data' || e === 'text/plain'
      ? e
      : 'application/x-www-form-urlencoded';
  }
  formMethod(): string {
    return this.#formAttr('method')?.toLowerCase() === 'post' ? 'post' : 'get';
  }
  formNoValidate(): boolean {
    return this.#formAttr('novalidate') !== undefined;
  }
  formTarget(): string {
    return this.#formAttr('target') ?? '';
  }
  labels(): Element[] {
    return this.labelElements();
  }
  name(): string {
    return this.attrString('name');
  }
}

class ButtonElement extends FormFieldElement {
  value(): string {
    return valueOrHtml(this.sel);
  }
}

class InputElement extends FormFieldElement {
  list(): Element | undefined {
    const id = this.attrString('list');
    if (!id || ['hidden', 'checkbox', 'radio', 'file', 'button'].includes(this.attrString('type')))
      return undefined;
    return elementOf(
      this.document()
        .find(`datalist[id="${cssString(id)}"]`)
        .first(),
    );
  }
}

/** Elements that have only form() and labels() of their own. */
class FormOwnedElement extends Element {
  form(): Element | undefined {
    return this.formElement();
  }
  labels(): Element[] {
    return this.labelElements();
  }
}

class CanvasElement extends Element {
  width(): number {
    return this.attrInt('width', 150);
  }
  height(): number {
    return this.attrInt('height', 150);
  }
}

class DataListElement extends Element {
  options(): Element[] {
    return list(this.sel.find('option'));
  }
}

class FieldSetElement extends Element {
  form(): Element | undefined {
    return this.formElement();
  }
  type(): string {
    return 'fieldset';
  }
  elements(): Element[] {
    return list(this.sel.find('input,select,button,textarea'));
  }
  validity(): undefined {
    return undefined;
  }
}

class FormElement extends Element {
  elements(): Element[] {
    return list(this.sel.find('input,select,button,textarea,fieldset'));
  }
  length(): number {
    return this.sel.find('input,select,button,textarea,fieldset').size();
  }
  method(): string {
    return this.attrString('method') === 'post' ? 'post' : 'get';
  }
}

class LabelElement extends Element {
  control(): Element | undefined {
    const id = this.sel.attr('for');
    if (typeof id !== 'string') return undefined;
    return elementOf(
      this.document()
        .find(`[id="${cssString(id)}"]`)
        .first(),
    );
  }
  form(): Element | undefined {
    return this.formElement();
  }
}

class LinkElement extends Element {
  relList(): string[] {
    const rel = this.attrString('rel');
    return rel ? rel.split(' ') : [];
  }
}

class MapElement extends Element {
  areas(): Element[] {
    return list(this.sel.find('area'));
  }
  images(): Element[] {
    const name = this.sel.attr('id') ?? this.sel.attr('name');
    if (typeof name !== 'string') return [];
    const m = cssString(`#${name}`);
    return list(this.document().find(`img[usemap="${m}"],object[usemap="${m}"]`));
  }
}

class OptionElement extends Element {
  disabled(): boolean {
    return (
      this.attrPresent('disabled') || this.sel.parents('optgroup').attr('disabled') !== undefined
    );
  }
  form(): Element | undefined {
    const inForm = this.sel.parents('form');
    if (inForm.size()) return elementOf(inForm.first());
    const id = this.sel.parents('select').attr('form');
    if (typeof id !== 'string') return undefined;
    return elementOf(
      this.document()
        .find(`form[id="${cssString(id)}"]`)
        .first(),
    );
  }
  index(): number {
    const holder = this.sel.parents('select,datalist');
    return holder.size() ? holder.find('option').index(this.sel) : 0;
  }
  label(): string {
    const l = this.sel.attr('label');
    return typeof l === 'string' ? l : this.textContent();
  }
  text(): string {
    return this.textContent();
  }
  value(): string {
    return valueOrHtml(this.sel);
  }
}

class OutputElement extends FormOwnedElement {
  value(): string {
    return this.textContent();
  }
  defaultValue(): string {
    return this.textContent();
  }
}

/** A non-negative number attribute, else undefined. */
function attrNumber(e: Element, name: string): number | undefined {
  const raw = e.sel.attr(name);
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return v >= 0 ? v : undefined;
}

class ProgressElement extends Element {
  max(): number {
    return attrNumber(this, 'max') ?? 1;
  }
  #progress(fallback: number): number {
    const v = attrNumber(this, 'value');
    return v === undefined ? fallback : v / this.max();
  }
  value(): number {
    return this.#progress(0);
  }
  position(): number {
    return this.#progress(-1);
  }
  labels(): Element[] {
    return this.labelElements();
  }
}

class TextElement extends Element {
  text(): string {
    return this.textContent();
  }
}

class SelectElement extends FormOwnedElement {
  length(): number {
    return this.sel.find('option').size();
  }
  options(): Element[] {
    return list(this.sel.find('option'));
  }
  selectedIndex(): number {
    const selected = this.sel.find('option[selected]');
    return selected.size() ? this.sel.find('option').index(selected) : -1;
  }
  selectedOptions(): Element[] {
    return list(this.sel.find('option[selected]'));
  }
  size(): number {
    return this.attrPresent('multiple') ? 4 : 1;
  }
  type(): string {
    return this.attrPresent('multiple') ? 'select-multiple' : 'select';
  }
  value(): string {
    const selected = this.sel.find('option[selected]');
    return selected.size() ? valueOrHtml(selected.first()) : '';
  }
}

class StyleElement extends Element {
  type(): string {
    return this.attrString('type') || 'text/css';
  }
}

class TableElement extends Element {
  #child(tag: string): Element | undefined {
    return elementOf(this.sel.children(tag));
  }
  caption(): Element | undefined {
    return this.#child('caption');
  }
  tHead(): Element | undefined {
    return this.#child('thead');
  }
  tFoot(): Element | undefined {
    return this.#child('tfoot');
  }
  rows(): Element[] {
    return list(this.sel.find('tr'));
  }
  tBodies(): Element[] {
    return list(this.sel.find('tbody'));
  }
}

class TableSectionElement extends Element {
  rows(): Element[] {
    return list(this.sel.find('tr'));
  }
}

class TableCellElement extends Element {
  cellIndex(): number {
    const row = this.sel.parents('tr');
    return row.size() ? row.find('th,td').index(this.sel) : -1;
  }
}

class TableRowElement extends Element {
  cells(): Element[] {
    return list(this.sel.find('th,td'));
  }
  rowIndex(): number {
    const table = this.sel.parents('table');
    return table.size() ? table.find('tr').index(this.sel) : -1;
  }
  sectionRowIndex(): number {
    const section = this.sel.parents('thead,tbody,tfoot');
    return section.size() ? section.find('tr').index(this.sel) : -1;
  }
}

class TableColElement extends Element {
  span(): number {
    return Math.max(1, this.attrInt('span', 1));
  }
}

class TextAreaElement extends FormOwnedElement {
  length(): number {
    return this.attrString('value').length;
  }
}

class MediaElement extends Element {
  textTracks(): Element[] {
    return list(this.sel.find('track'));
  }
}

// Attribute accessors, as k6 generates them: a string (''), a presence test,
// an integer (with its default), a URL (resolved; its default), one of a set
// of values (the first is the default), one of a set or undefined, a constant.
type Accessor =
  | 'string'
  | 'bool'
  | { int: number }
  | { url: 'empty' | 'document' }
  | { oneOf: readonly string[] }
  | { oneOfOrUndefined: readonly string[] }
  | { always: string };

function accessor(attr: string, kind: Accessor): (this: Element) => unknown {
  return function (this: Element) {
    const e = this as unknown as {
      attrString(n: string): string;
      attrPresent(n: string): boolean;
      attrInt(n: string, d: number): number;
      attrUrl(n: string, d: string): string;
      sel: Selection;
    };
    if (kind === 'string') return e.attrString(attr);
    if (kind === 'bool') return e.attrPresent(attr);
    if ('int' in kind) return e.attrInt(attr, kind.int);
    if ('url' in kind) return e.attrUrl(attr, kind.url === 'document' ? e.sel.url : '');
    if ('always' in kind) return kind.always;
    const v = e.sel.attr(attr);
    if ('oneOf' in kind) return typeof v === 'string' && kind.oneOf.includes(v) ? v : kind.oneOf[0];
    return typeof v === 'string' && kind.oneOfOrUndefined.includes(v) ? v : undefined;
  };
}

const S = 'string' as const;
const B = 'bool' as const;
const int = (d: number): Accessor => ({ int: d });
const URL_ = { url: 'empty' } as const;
const oneOf = (...v: string[]): Accessor => ({ oneOf: v });
const CROSS_ORIGIN: Accessor = { oneOfOrUndefined: ['anonymous', 'use-credentials'] };
const REFERRER = oneOf(
  '',
  'no-referrer',
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'unsafe-url',
);
const AUTOCOMPLETE = oneOf('on', 'off');
const ENCTYPE = oneOf('application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain');

/** Each accessor: method name, then [attribute, kind] or just kind (attribute = lower-cased name). */
type Accessors = Record<string, Accessor | [string, Accessor]>;

function withAccessors(base: typeof Element, accessors: Accessors): typeof Element {
  const cls = class extends base {};
  for (const [method, spec] of Object.entries(accessors)) {
    const [attr, kind] = Array.isArray(spec) ? spec : [method.toLowerCase(), spec];
    Object.defineProperty(cls.prototype, method, {
      value: accessor(attr, kind),
      writable: true,
      configurable: true,
    });
  }
  return cls;
}

const HREF: Accessors = {
  download: S,
  referrerPolicy: REFERRER,
  rel: S,
  href: URL_,
  target: S,
  type: S,
  accessKey: S,
  hrefLang: S,
};
const MEDIA: Accessors = {
  autoplay: B,
  controls: B,
  loop: B,
  muted: B,
  preload: oneOf('auto', 'metadata', 'none'),
  src: URL_,
  crossOrigin: CROSS_ORIGIN,
  currentSrc: ['src', S],
  defaultMuted: ['muted', B],
  mediaGroup: S,
};
const CELL: Accessors = { colSpan: int(1), rowSpan: int(1), headers: S };
const MOD: Accessors = { cite: S, datetime: S };

const Anchor = withAccessors(HrefElement, HREF);
const Media = withAccessors(MediaElement, MEDIA);
const Mod = withAccessors(Element, MOD);
const Section = TableSectionElement;
const DataCell = withAccessors(TableCellElement, CELL);

const ELEMENT_CLASSES: Record<string, typeof Element> = {
  a: Anchor,
  area: Anchor,
  audio: Media,
  video: Media,
  base: withAccessors(Element, { href: { url: 'document' }, target: S }),
  button: withAccessors(ButtonElement, {
    accessKey: S,
    autofocus: B,
    disabled: B,
    tabIndex: int(0),
    type: oneOf('submit', 'button', 'menu', 'reset'),
  }),
  canvas: CanvasElement,
  data: withAccessors(Element, { value: S }),
  datalist: DataListElement,
  del: Mod,
  ins: Mod,
  embed: withAccessors(Element, { height: S, width: S, src: S, type: S }),
  fieldset: withAccessors(FieldSetElement, { disabled: B, name: S }),
  form: withAccessors(FormElement, {
    action: URL_,
    name: S,
    target: S,
    enctype: ENCTYPE,
    encoding: ['enctype', ENCTYPE],
    acceptCharset: ['accept-charset', S],
    autocomplete: AUTOCOMPLETE,
    noValidate: B,
  }),
  iframe: withAccessors(Element, {
    allowfullscreen: B,
    referrerPolicy: REFERRER,
    height: S,
    width: S,
    name: S,
    src: URL_,
  }),
  img: withAccessors(Element, {
    currentSrc: ['src', URL_],
    sizes: S,
    srcset: S,
    alt: S,
    crossOrigin: CROSS_ORIGIN,
    height: int(0),
    width: int(0),
    isMap: B,
    name: S,
    src: URL_,
    useMap: S,
    referrerPolicy: REFERRER,
  }),
  input: withAccessors(InputElement, {
    name: S,
    tabIndex: int(0),
    type: oneOf(
      ...'text button checkbox color date datetime-local email file hidden image month number password radio range reset search submit tel time url week'.split(
        ' ',
      ),
    ),
    disabled: B,
    autofocus: B,
    required: B,
    value: S,
    checked: B,
    defaultChecked: ['checked', B],
    alt: S,
    src: URL_,
    height: S,
    width: S,
    accept: S,
    autocomplete: AUTOCOMPLETE,
    maxLength: int(-1),
    size: int(0),
    pattern: S,
    placeholder: S,
    readonly: B,
    min: S,
    max: S,
    defaultValue: ['value', S],
    dirName: S,
    accessKey: S,
    multiple: B,
    step: S,
  }),
  keygen: withAccessors(FormOwnedElement, {
    autofocus: B,
    challenge: S,
    disabled: B,
    keytype: oneOf('RSA', 'DSA', 'EC'),
    name: S,
    type: { always: 'keygen' },
  }),
  label: withAccessors(LabelElement, { htmlFor: ['for', S] }),
  legend: withAccessors(
    class extends Element {
      form(): Element | undefined {
        return this.formElement();
      }
    },
    { accessKey: S },
  ),
  li: withAccessors(Element, {
    value: int(0),
    type: oneOf('', '1', 'a', 'A', 'i', 'I', 'disc', 'square', 'circle'),
  }),
  link: withAccessors(LinkElement, {
    crossOrigin: CROSS_ORIGIN,
    referrerPolicy: REFERRER,
    href: URL_,
    hreflang: S,
    media: S,
    rel: S,
    target: S,
    type: S,
  }),
  map: withAccessors(MapElement, { name: S }),
  meta: withAccessors(Element, {
    content: S,
    name: S,
    httpEquiv: ['http-equiv', oneOf('content-type', 'default-style', 'refresh')],
  }),
  meter: withAccessors(
    class extends Element {
      labels(): Element[] {
        return this.labelElements();
      }
    },
    { min: int(0), max: int(0), high: int(0), low: int(0), optimum: int(0) },
  ),
  object: withAccessors(
    class extends Element {
      form(): Element | undefined {
        return this.formElement();
      }
    },
    {
      data: URL_,
      height: S,
      name: S,
      type: S,
      tabIndex: int(0),
      typeMustMatch: B,
      useMap: S,
      width: S,
    },
  ),
  ol: withAccessors(Element, {
    reversed: B,
    start: int(0),
    type: oneOf('1', 'a', 'A', 'i', 'I'),
  }),
  optgroup: withAccessors(Element, { disabled: B, label: S }),
  option: withAccessors(OptionElement, { defaultSelected: ['selected', B], selected: B }),
  output: withAccessors(OutputElement, {
    htmlFor: ['for', S],
    name: S,
    type: { always: 'output' },
  }),
  param: withAccessors(Element, { name: S, value: S }),
  pre: withAccessors(Element, { name: S, value: S }),
  progress: ProgressElement,
  q: withAccessors(Element, { cite: S }),
  script: withAccessors(TextElement, {
    crossOrigin: S,
    type: S,
    src: URL_,
    charset: S,
    async: B,
    defer: B,
    noModule: B,
  }),
  select: withAccessors(SelectElement, {
    autofocus: B,
    disabled: B,
    multiple: B,
    name: S,
    required: B,
    tabIndex: int(0),
  }),
  source: withAccessors(Element, {
    keySystem: S,
    media: S,
    sizes: S,
    src: URL_,
    srcset: S,
    type: S,
  }),
  style: withAccessors(StyleElement, { media: S }),
  table: withAccessors(TableElement, { sortable: B }),
  thead: Section,
  tbody: Section,
  tfoot: Section,
  tr: TableRowElement,
  col: TableColElement,
  td: DataCell,
  th: withAccessors(TableCellElement, {
    ...CELL,
    abbr: S,
    scope: oneOf('', 'row', 'col', 'colgroup', 'rowgroup'),
    sorted: B,
  }),
  textarea: withAccessors(TextAreaElement, {
    type: { always: 'textarea' },
    value: S,
    defaultValue: ['value', S],
    placeholder: S,
    rows: int(0),
    cols: int(0),
    maxLength: int(0),
    tabIndex: int(0),
    accessKey: S,
    readOnly: B,
    required: B,
    autocomplete: AUTOCOMPLETE,
    autocapitalize: oneOf('sentences', 'none', 'off', 'characters', 'words'),
    wrap: oneOf('soft', 'hard', 'off'),
  }),
  time: withAccessors(Element, { datetime: S }),
  title: TextElement,
  track: withAccessors(Element, {
    kind: oneOf('subtitle', 'captions', 'descriptions', 'chapters', 'metadata'),
    src: URL_,
    srclang: S,
    label: S,
    default: B,
  }),
  ul: withAccessors(Element, { type: S }),
};
