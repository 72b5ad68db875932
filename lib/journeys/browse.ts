// browse: an anonymous visitor looks at categories, lists, searches and opens a product.
import { check, group } from 'k6';
import type { Config } from '../config.ts';
import { pick, searchTerms } from '../data.ts';
import { Gateway } from '../gateway.ts';
import type { SetupData } from '../setup.ts';
import { think } from '../think.ts';

export function browse(config: Config, data: SetupData): void {
  const gw = new Gateway(config.baseUrl, data.runId);
  let seen: number[] = [];

  group('categories', () => {
    gw.categories();
  });
  think(config.thinkTime);

  group('list products', () => {
    const category = data.categories.length > 0 ? pick(data.categories) : undefined;
    const page = gw.products({ page: 1, perPage: 20, category });
    const products = page.data?.data ?? [];
    check(page.data, {
      'product list honours per_page': (p) =>
        p !== undefined && products.length <= 20 && p.meta.per_page === 20,
      'product list filtered by category': () =>
        products.every((p) => p.category.slug === category),
    });
    seen = products.map((p) => p.id);
  });
  think(config.thinkTime);

  group('search', () => {
    gw.products({ page: 1, perPage: 20, search: pick(searchTerms as string[]) });
  });
  think(config.thinkTime);

  group('product detail', () => {
    const id = pick(seen.length > 0 ? seen : data.productIds);
    const product = gw.product(id);
    check(product.data, { 'product detail is the product asked for': (p) => p?.id === id });
  });
  think(config.thinkTime);
}
