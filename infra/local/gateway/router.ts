// A tiny router over route templates (`/api/baskets/{id}/items/{itemId}`).
// The template doubles as the `route` metric label, so matching returns it.

export type Params = Record<string, string>;

export type Match<H> =
  | { kind: 'found'; template: string; handler: H; params: Params }
  /** The path exists but not with this method: 405 with `Allow`. */
  | { kind: 'method'; template: string; allow: string }
  | { kind: 'none' };

interface Route<H> {
  template: string;
  /** Literal segment, or `null` for a `{param}` whose name is in `names`. */
  segments: (string | null)[];
  names: string[];
  handlers: Map<string, H>;
}

export class Router<H> {
  private readonly exact = new Map<string, Route<H>>();
  private readonly dynamic: Route<H>[] = [];

  add(method: string, template: string, handler: H): void {
    let route = this.exact.get(template) ?? this.dynamic.find((r) => r.template === template);
    if (!route) {
      const parts = template.split('/');
      const names: string[] = [];
      const segments = parts.map((p) => {
        const m = /^\{(\w+)\}$/.exec(p);
        if (!m) return p;
        names.push(m[1]!);
        return null;
      });
      route = { template, segments, names, handlers: new Map() };
      if (names.length === 0) this.exact.set(template, route);
      else this.dynamic.push(route);
    }
    if (route.handlers.has(method)) throw new Error(`duplicate route ${method} ${template}`);
    route.handlers.set(method, handler);
  }

  match(method: string, path: string): Match<H> {
    let route = this.exact.get(path);
    let params: Params = NO_PARAMS;
    if (!route) {
      const parts = path.split('/');
      for (const candidate of this.dynamic) {
        const found = matchSegments(candidate, parts);
        if (found) {
          route = candidate;
          params = found;
          break;
        }
      }
    }
    if (!route) return { kind: 'none' };
    const handler =
      route.handlers.get(method) ?? (method === 'HEAD' ? route.handlers.get('GET') : undefined);
    if (handler === undefined) {
      return {
        kind: 'method',
        template: route.template,
        allow: [...route.handlers.keys()].join(', '),
      };
    }
    return { kind: 'found', template: route.template, handler, params };
  }

  /** Every template, for fault rules that name a route which does not exist. */
  templates(): string[] {
    return [...this.exact.keys(), ...this.dynamic.map((r) => r.template)];
  }
}

const NO_PARAMS: Params = Object.freeze({}) as Params;

function matchSegments<H>(route: Route<H>, parts: string[]): Params | undefined {
  const { segments } = route;
  if (segments.length !== parts.length) return undefined;
  let params: Params | undefined;
  let n = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const part = parts[i]!;
    if (seg === null) {
      if (part === '') return undefined;
      (params ??= {})[route.names[n++]!] = part;
    } else if (seg !== part) {
      return undefined;
    }
  }
  return params;
}
