import { z } from 'zod';
import type { Db } from './db.ts';
import { type Ctx, type Reply, idParam, notFound, validate } from './http.ts';

interface ProductRow {
  id: number;
  name: string;
  slug: string;
  description: string;
  price_cents: number;
  stock: number;
  category_id: number;
  category_name: string;
  category_slug: string;
}

const PRODUCT_COLUMNS = `p.id, p.name, p.slug, p.description, p.price_cents, p.stock,
  c.id AS category_id, c.name AS category_name, c.slug AS category_slug
  FROM products p JOIN categories c ON c.id = p.category_id`;

const ProductQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
  search: z.string().max(100).optional(),
  category: z.string().max(100).optional(),
});

/**
 * Categories and products. The catalogue is read-only once seeded (stock is
 * not decremented by orders), so response bodies are cached per process:
 * `GET /api/products/{id}` is the benchmarked hot path.
 */
export class Catalogue {
  private readonly productById;
  private readonly productPage;
  private readonly productCount;
  private readonly categoriesJson: string;
  private readonly productJson = new Map<number, string>();

  constructor(db: Db) {
    this.productById = db.prepare<[number], ProductRow>(`SELECT ${PRODUCT_COLUMNS} WHERE p.id = ?`);
    const filter = `WHERE (@search IS NULL OR p.name LIKE @search ESCAPE '\\')
      AND (@category IS NULL OR c.slug = @category)`;
    this.productPage = db.prepare<[PageParams], ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} ${filter} ORDER BY p.id LIMIT @limit OFFSET @offset`,
    );
    this.productCount = db.prepare<[PageParams], { n: number }>(
      `SELECT count(*) AS n FROM products p JOIN categories c ON c.id = p.category_id ${filter}`,
    );
    const categories = db.prepare('SELECT id, name, slug FROM categories ORDER BY id').all();
    this.categoriesJson = JSON.stringify({ data: categories });
  }

  categories(): Reply {
    return { status: 200, json: this.categoriesJson };
  }

  product(ctx: Ctx): Reply {
    const id = idParam(ctx, 'id', 'Product');
    let json = this.productJson.get(id);
    if (json === undefined) {
      const row = this.productById.get(id);
      if (!row) throw notFound('Product');
      json = JSON.stringify({ data: product(row) });
      this.productJson.set(id, json);
    }
    return { status: 200, json };
  }

  products(ctx: Ctx): Reply {
    const params = new URLSearchParams(ctx.query);
    const q = validate(ProductQuery, {
      page: params.get('page') ?? undefined,
      per_page: params.get('per_page') ?? undefined,
      search: params.get('search') || undefined,
      category: params.get('category') || undefined,
    });
    const filter: PageParams = {
      search: q.search === undefined ? null : `%${q.search.replace(/[\\%_]/g, '\\$&')}%`,
      category: q.category ?? null,
      limit: q.per_page,
      offset: (q.page - 1) * q.per_page,
    };
    const total = this.productCount.get(filter)?.n ?? 0;
    const rows = this.productPage.all(filter);
    return {
      status: 200,
      body: {
        data: rows.map(product),
        meta: {
          current_page: q.page,
          per_page: q.per_page,
          total,
          last_page: Math.max(1, Math.ceil(total / q.per_page)),
        },
      },
    };
  }
}

interface PageParams {
  search: string | null;
  category: string | null;
  limit: number;
  offset: number;
}

function product(row: ProductRow) {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    price: row.price_cents / 100,
    currency: 'EUR',
    stock: row.stock,
    category: { id: row.category_id, name: row.category_name, slug: row.category_slug },
  };
}
