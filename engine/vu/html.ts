// The `k6/html` module (https://grafana.com/docs/k6/latest/javascript-api/k6-html/):
// parseHTML() and the Selection and Element APIs, as real k6 has them over
// goquery. cheerio gives the jQuery-like traversal and CSS selectors, parse5
// the HTML5 tree building of golang.org/x/net/html (html, head, body and
// tbody appear as they do in k6), and the serializer below writes markup as
// x/net/html does (`<br/>`, `&#39;`), so html() and val() read the same.
//
// Where k6 departs from jQuery, this follows k6 (val() of a <select>,
// serializeArray()'s disabled/checked tests, map() skipping the elements
// whose function threw, data() keys camel-cased with Go initialisms).
import { createRequire } from 'node:module';
import type { Cheerio, CheerioAPI } from 'cheerio/slim';
import type * as CheerioSlim from 'cheerio/slim';
import type { AnyNode, Document, Element as DomElement, ParentNode } from 'domhandler';
import type * as Parse5 from 'parse5';
import type * as Parse5Adapter from 'parse5-htmlparser2-tree-adapter';
import { Element, elementOf } from './html-element.ts';
import { isElementNode, NODES, valueOrHtml } from './html-nodes.ts';

// This module is evaluated only by the VUs that use it (./html-lazy.ts), and
// cheerio and parse5 only on their first parse: they stay external to the
// bundles (engine/script.ts). cheerio/slim plus parse5 rather than cheerio's
// main entry, which also loads undici and its stream helpers (about twice the
// memory: some 10 MB per VU against 23).
type Libs = {
  load: typeof CheerioSlim.load;
  parse: (src: string) => Document;
};
let libs: Libs | undefined;
function lib(): Libs {
  if (!libs) {
    // import.meta.url: this file's, bundled too (engine/script.ts defines it),
    // so the packages resolve from loadgate's node_modules whatever the
    // working directory.
    const req = createRequire(import.meta.url);
    const cheerio = req('cheerio/slim') as typeof CheerioSlim;
    const parse5 = req('parse5') as typeof Parse5;
    const { adapter } = req('parse5-htmlparser2-tree-adapter') as typeof Parse5Adapter;
    libs = {
      load: cheerio.load,
      parse: (src) => parse5.parse(src, { treeAdapter: adapter }) as unknown as Document,
    };
  }
  return libs;
}

/** parseHTML(src): the whole document as a Selection. */
export function parseHTML(src: unknown): Selection {
  return parseDocument(src, '');
}

/** Response.html(): the document, with the response URL to resolve links against. */
export function parseDocument(src: unknown, url: string): Selection {
  const text =
    typeof src === 'string'
      ? src
      : src instanceof ArrayBuffer || ArrayBuffer.isView(src)
        ? new TextDecoder().decode(src)
        : String(src);
  const { load, parse } = lib();
  const $ = load(parse(text));
  return new Selection($, $.root() as Cheerio<AnyNode>, url);
}

type SelectorArg = string | Selection | Element;
type Callback<R> = (index: number, item: Selection) => R;

/**
 * A set of nodes of one document. `url` is the document's (Response.html()),
 * or '' (parseHTML()), as in k6.
 */
export class Selection {
  readonly #$: CheerioAPI;
  readonly #sel: Cheerio<AnyNode>;
  readonly url: string;

  constructor($: CheerioAPI, sel: Cheerio<AnyNode>, url: string) {
    this.#$ = $;
    this.#sel = sel;
    this.url = url;
  }

  /** @internal the nodes, in order (for ./html-element.ts). */
  [NODES](): AnyNode[] {
    return this.#sel.toArray();
  }

  #wrap(sel: Cheerio<AnyNode>): Selection {
    return new Selection(this.#$, sel, this.url);
  }

  /** @internal a Selection of these nodes, in the same document. */
  of(nodes: AnyNode | AnyNode[]): Selection {
    return this.#wrap(this.#$(nodes as AnyNode[]));
  }

  #one(i: number): Selection {
    return this.#wrap(this.#sel.eq(i));
  }

  /** A string selector, or the nodes of a Selection or Element, as cheerio takes them. */
  #arg(arg: unknown): string | Cheerio<AnyNode> | AnyNode {
    if (typeof arg === 'string') return arg;
    if (arg instanceof Selection) return arg.#sel;
    if (arg instanceof Element) return arg.node;
    throw new TypeError(`invalid argument, cannot use a '${typeName(arg)}' as a selector`);
  }

  /** A JS predicate as cheerio calls it, with k6's arguments: (index, Selection). */
  #matcher(fn: Callback<unknown>): (this: AnyNode, i: number, el: AnyNode) => boolean {
    return (i, el) => Boolean(fn(i, this.of(el)));
  }

  /**
   * Runs a selector query. k6 (goquery) matches nothing for a selector it
   * cannot parse; here it is an error naming the selector, as cheerio's
   * selector engine differs from cascadia at the edges (:containsOwn…).
   */
  #select<T>(selector: unknown, run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (typeof selector === 'string' && !(e instanceof TypeError))
        throw new Error(`invalid or unsupported selector '${selector}': ${(e as Error).message}`);
      throw e;
    }
  }

  // --- traversal -----------------------------------------------------------

  find(selector: SelectorArg): Selection {
    const a = this.#arg(selector);
    return this.#select(selector, () =>
      this.#wrap(this.#sel.find(a as string) as Cheerio<AnyNode>),
    );
  }

  add(selector: SelectorArg): Selection {
    const a = this.#arg(selector);
    return this.#select(selector, () => this.#wrap(this.#sel.add(a as string)));
  }

  closest(selector: SelectorArg): Selection {
    const a = this.#arg(selector);
    return this.#select(selector, () =>
      this.#wrap(this.#sel.closest(a as string) as Cheerio<AnyNode>),
    );
  }

  has(selector: SelectorArg): Selection {
    const a = this.#arg(selector);
    return this.#select(selector, () => this.#wrap(this.#sel.has(a as string) as Cheerio<AnyNode>));
  }

  filter(selector: string | Selection | Callback<unknown>): Selection {
    if (typeof selector === 'function')
      return this.#wrap(this.#sel.filter(this.#matcher(selector)));
    if (typeof selector !== 'string' && !(selector instanceof Selection))
      throw new TypeError('the argument to filter() must be a function, a selector or a selection');
    const a = this.#arg(selector);
    return this.#select(selector, () => this.#wrap(this.#sel.filter(a as string)));
  }

  not(selector: SelectorArg | Callback<unknown>): Selection {
    if (typeof selector === 'function') return this.#wrap(this.#sel.not(this.#matcher(selector)));
    const a = this.#arg(selector);
    return this.#select(selector, () => this.#wrap(this.#sel.not(a as string)));
  }

  is(selector: string | Selection | Callback<unknown>): boolean {
    if (typeof selector === 'function') return this.#sel.is(this.#matcher(selector));
    if (typeof selector !== 'string' && !(selector instanceof Selection))
      throw new TypeError('the argument to is() must be a function, a selector or a selection');
    const a = this.#arg(selector);
    return this.#select(selector, () => this.#sel.is(a as string));
  }

  children(selector?: string): Selection {
    return this.#select(selector, () =>
      this.#wrap(this.#sel.children(selector) as Cheerio<AnyNode>),
    );
  }

  contents(): Selection {
    return this.#wrap(this.#sel.contents());
  }

  parent(selector?: string): Selection {
    return this.#select(selector, () => this.#wrap(this.#sel.parent(selector) as Cheerio<AnyNode>));
  }

  parents(selector?: string): Selection {
    return this.#select(selector, () =>
      this.#wrap(this.#sel.parents(selector) as Cheerio<AnyNode>),
    );
  }

  parentsUntil(selector?: string | Selection | null, filter?: string): Selection {
    return this.#until('parentsUntil', selector, filter);
  }

  next(selector?: string): Selection {
    return this.#select(selector, () => this.#wrap(this.#sel.next(selector) as Cheerio<AnyNode>));
  }

  nextAll(selector?: string): Selection {
    return this.#select(selector, () =>
      this.#wrap(this.#sel.nextAll(selector) as Cheerio<AnyNode>),
    );
  }

  nextUntil(selector?: string | Selection | null, filter?: string): Selection {
    return this.#until('nextUntil', selector, filter);
  }

  prev(selector?: string): Selection {
    return this.#select(selector, () => this.#wrap(this.#sel.prev(selector) as Cheerio<AnyNode>));
  }

  prevAll(selector?: string): Selection {
    return this.#select(selector, () =>
      this.#wrap(this.#sel.prevAll(selector) as Cheerio<AnyNode>),
    );
  }

  prevUntil(selector?: string | Selection | null, filter?: string): Selection {
    return this.#until('prevUntil', selector, filter);
  }

  siblings(selector?: string): Selection {
    return this.#select(selector, () =>
      this.#wrap(this.#sel.siblings(selector) as Cheerio<AnyNode>),
    );
  }

  #until(
    method: 'parentsUntil' | 'nextUntil' | 'prevUntil',
    selector: string | Selection | null | undefined,
    filter: string | undefined,
  ): Selection {
    // k6: no selector, null or '' means "up to the end".
    const until =
      selector === undefined || selector === null || selector === ''
        ? undefined
        : (this.#arg(selector) as string);
    const f = filter === undefined || filter === null ? undefined : String(filter);
    return this.#select(typeof selector === 'string' ? selector : f, () =>
      this.#wrap(this.#sel[method](until, f) as Cheerio<AnyNode>),
    );
  }

  end(): Selection {
    return this.#wrap(this.#sel.end());
  }

  // --- the set ---------------------------------------------------------------

  size(): number {
    return this.#sel.length;
  }

  eq(index: number): Selection {
    return this.#wrap(this.#sel.eq(Math.trunc(Number(index))));
  }

  first(): Selection {
    return this.#wrap(this.#sel.first());
  }

  last(): Selection {
    return this.#wrap(this.#sel.last());
  }

  slice(start: number, end?: number): Selection {
    return this.#wrap(
      end === undefined || end >= this.#sel.length
        ? this.#sel.slice(start)
        : this.#sel.slice(start, end),
    );
  }

  /** get(): every Element; get(i): the one at i (negative from the end), else undefined. */
  get(index?: number): Element | Element[] | undefined {
    const n = this.#sel.length;
    if (index === undefined) return this.toArray().map((s) => elementOf(s)!);
    const i = Math.trunc(Number(index));
    return i < n && i > -n ? elementOf(this.#one(i)) : undefined;
  }

  toArray(): Selection[] {
    return Array.from({ length: this.#sel.length }, (_, i) => this.#one(i));
  }

  index(selector?: SelectorArg): number {
    if (selector === undefined) return this.#sel.index();
    if (
      typeof selector !== 'string' &&
      !(selector instanceof Selection) &&
      !(selector instanceof Element)
    )
      return -1;
    const a = this.#arg(selector);
    return this.#select(selector, () => this.#sel.index(a as string));
  }

  each(fn: (index: number, element: Element) => unknown): Selection {
    if (typeof fn !== 'function') throw new TypeError('the argument to each() must be a function');
    const items = this.toArray();
    items.forEach((s, i) => fn(i, elementOf(s)!));
    return this;
  }

  /** k6: the values fn returned, leaving out the elements for which it threw. */
  map(fn: Callback<unknown>): unknown[] {
    if (typeof fn !== 'function') throw new TypeError('the argument to map() must be a function');
    const values: unknown[] = [];
    this.toArray().forEach((s, i) => {
      try {
        values.push(fn(i, s));
      } catch {
        // as k6 does
      }
    });
    return values;
  }

  // --- content ---------------------------------------------------------------

  text(): string {
    return this.#sel.text();
  }

  /** The markup inside the first node; '' for none. */
  html(): string {
    const first = this.#sel[0];
    return first && 'children' in first ? renderChildren(first) : '';
  }

  attr(name: string, fallback?: unknown): unknown {
    const first = this.#sel[0];
    const v = isElementNode(first) ? first.attribs[String(name)] : undefined;
    return v === undefined ? fallback : v;
  }

  /** k6's val(): by the first node's tag; a <select> reads its selected options. */
  val(): string | string[] | undefined {
    const first = this.#sel[0];
    if (!isElementNode(first)) return undefined;
    const attrs = first.attribs;
    switch (first.name) {
      case 'input':
        return attrs.value ?? (attrs.type === 'radio' || attrs.type === 'checkbox' ? 'on' : '');
      case 'button':
        return attrs.value ?? '';
      case 'textarea':
        return this.html();
      case 'option':
        return valueOrHtml(this);
      case 'select': {
        const selected = this.first().find('option[selected]');
        if (attrs.multiple !== undefined) return selected.toArray().map(valueOrHtml);
        return valueOrHtml(selected);
      }
      default:
        return undefined;
    }
  }

  /** data(): every data-* of the first element, by camel-cased name; data(key): one. */
  data(key?: string): unknown {
    const first = this.#sel[0];
    if (!isElementNode(first) || Object.keys(first.attribs).length === 0) return undefined;
    if (key !== undefined) {
      const v = first.attribs[`data-${kebab(String(key))}`];
      return v === undefined ? undefined : dataValue(v);
    }
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(first.attribs))
      if (name.startsWith('data-') && name.length > 5) out[dataKey(name.slice(5))] = dataValue(v);
    return out;
  }

  // --- forms -----------------------------------------------------------------

  /** The submittable fields of a form (or of these fields), as k6 picks them. */
  serializeArray(): { name: string; value: unknown }[] {
    const submittable = 'input,select,textarea,keygen';
    const fields = this.is('form') ? this.find(submittable) : this.filter(submittable);
    return fields
      .toArray()
      .filter((f) => {
        const a = (n: string) => f.attr(n, '') as string;
        const type = a('type');
        return (
          a('name') !== '' &&
          a('disabled') !== 'disabled' &&
          !['submit', 'button', 'reset', 'image', 'file'].includes(type) &&
          (a('checked') === 'checked' || (type !== 'checkbox' && type !== 'radio'))
        );
      })
      .map((f) => ({ name: f.attr('name') as string, value: f.val() }));
  }

  serializeObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { name, value } of this.serializeArray()) out[name] = value;
    return out;
  }

  /** URL-encoded as Go's url.Values.Encode: by name, a later field replacing an earlier one. */
  serialize(): string {
    const values = new Map<string, string[]>();
    for (const { name, value } of this.serializeArray()) {
      if (typeof value === 'string') values.set(name, [value]);
      else if (Array.isArray(value)) values.set(name, value as string[]);
    }
    return [...values.keys()]
      .sort()
      .flatMap((name) => values.get(name)!.map((v) => `${queryEscape(name)}=${queryEscape(v)}`))
      .join('&');
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Go's url.QueryEscape. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

// Go's golint initialisms, which k6's data() keys keep upper-cased (data-user-id: userID).
const INITIALISMS = new Set(
  'ACL API ASCII CPU CSS DNS EOF GPU GUID HTML HTTP HTTPS ID IP JSON LHS OS QPS RAM RHS RPC SLA SMTP SQL SSH TCP TLS TTL UDP UI UID UUID URI URL UTF8 VM XML XMPP XSRF XSS'.split(
    ' ',
  ),
);

function dataKey(name: string): string {
  const [head, ...rest] = name.split('-');
  if (!rest.length) return name;
  return (
    head +
    rest
      .map((w) =>
        INITIALISMS.has(w.toUpperCase()) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1),
      )
      .join('')
  );
}

function kebab(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** k6: JSON objects and arrays, booleans, and numbers that print back the same. */
function dataValue(v: string): unknown {
  if (v === '' || v === 'null' || v === 'undefined') return undefined;
  if (v[0] === '{' || v[0] === '[') {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  if (v === 'true') return true;
  if (v === 'false') return false;
  const n = Number(v);
  return /^[-+]?[\d.]/.test(v) && String(n) === v ? n : v;
}

// --- serializer: golang.org/x/net/html's Render --------------------------------

const VOID = new Set(
  'area base br col embed hr img input keygen link meta param source track wbr'.split(' '),
);
const RAW_TEXT = new Set('iframe noembed noframes noscript plaintext script style xmp'.split(' '));
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  '\r': '&#13;',
};
const escapeText = (s: string) => s.replace(/[&'<>"\r]/g, (c) => ESCAPES[c]!);

function renderChildren(node: ParentNode): string {
  const raw = isElementNode(node) && RAW_TEXT.has(node.name);
  let out = '';
  for (const c of node.children) out += raw && c.type === 'text' ? c.data : render(c);
  return out;
}

function render(node: AnyNode): string {
  switch (node.type) {
    case 'text':
      return escapeText(node.data);
    case 'comment':
      return `<!--${node.data}-->`;
    case 'directive':
      return `<${node.data}>`;
    case 'root':
    case 'cdata':
      return renderChildren(node as ParentNode);
    default: {
      const el = node as DomElement;
      const prefixes = el['x-attribsPrefix'] ?? {};
      let out = `<${el.name}`;
      for (const [k, v] of Object.entries(el.attribs))
        out += ` ${prefixes[k] ? `${prefixes[k]}:` : ''}${k}="${escapeText(v)}"`;
      if (VOID.has(el.name)) return `${out}/>`;
      out += '>';
      // x/net/html keeps a leading newline that the parser dropped after these.
      const first = el.children[0];
      if (
        (el.name === 'pre' || el.name === 'listing' || el.name === 'textarea') &&
        first?.type === 'text' &&
        first.data.startsWith('\n')
      )
        out += '\n';
      return `${out}${renderChildren(el)}</${el.name}>`;
    }
  }
}

export default { parseHTML };
