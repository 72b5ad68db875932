// What k6/html's Selection (./html.ts) and Element (./html-element.ts)
// both need of the parsed tree: html.ts builds Elements, so html-element.ts
// reaches a Selection's nodes through the NODES key below instead of
// importing html.ts at run time (only its types).
import type { AnyNode, Element as DomElement } from 'domhandler';

/** A Selection's nodes, in order; a symbol, so scripts do not see it as a method. */
export const NODES = Symbol('nodes');

export const isElementNode = (n: AnyNode | undefined): n is DomElement =>
  n !== undefined && (n.type === 'tag' || n.type === 'script' || n.type === 'style');

/** The value attribute, else the markup inside (k6's valueOrHTML). */
export function valueOrHtml(s: { attr(name: string): unknown; html(): string }): string {
  const v = s.attr('value');
  return typeof v === 'string' ? v : s.html();
}
