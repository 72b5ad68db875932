// The local platform's catalogue: deterministic (same ids, names and prices on
// every machine, so scenarios and tests can rely on them), 24 categories × 21
// products = 504 products, plus the promo codes and demo user of the contract.

export interface SeedCategory {
  id: number;
  name: string;
  slug: string;
}

export interface SeedProduct {
  id: number;
  categoryId: number;
  name: string;
  slug: string;
  description: string;
  priceCents: number;
  stock: number;
}

export interface SeedPromo {
  code: string;
  percentOff: number | null;
  amountOffCents: number | null;
}

export const DEMO_USER = {
  name: 'Demo User',
  email: 'demo@example.test',
  password: 'demo-password',
};

export const PROMO_CODES: SeedPromo[] = [
  { code: 'WELCOME10', percentOff: 10, amountOffCents: null },
  { code: 'SUMMER20', percentOff: 20, amountOffCents: null },
  { code: 'FREESHIP', percentOff: null, amountOffCents: 500 },
];

/** Category name → nouns its products are named after. */
const CATALOGUE: [string, string[]][] = [
  ['Laptops', ['Laptop', 'Notebook', 'Ultrabook']],
  ['Smartphones', ['Phone', 'Smartphone', 'Handset']],
  ['Tablets', ['Tablet', 'E-reader', 'Slate']],
  ['Headphones', ['Headphones', 'Earbuds', 'Headset']],
  ['Cameras', ['Camera', 'Lens', 'Tripod']],
  ['Televisions', ['TV', 'Soundbar', 'Projector']],
  ['Gaming', ['Controller', 'Console', 'Gaming Mouse']],
  ['Kitchen', ['Blender', 'Kettle', 'Toaster']],
  ['Coffee', ['Espresso Machine', 'Grinder', 'French Press']],
  ['Furniture', ['Chair', 'Desk', 'Bookshelf']],
  ['Bedding', ['Duvet', 'Pillow', 'Sheet Set']],
  ['Garden', ['Hose', 'Planter', 'Pruner']],
  ['Tools', ['Drill', 'Screwdriver Set', 'Toolbox']],
  ['Sports', ['Yoga Mat', 'Dumbbell', 'Football']],
  ['Cycling', ['Helmet', 'Bike Light', 'Saddle']],
  ['Outdoor', ['Tent', 'Backpack', 'Sleeping Bag']],
  ['Books', ['Novel', 'Cookbook', 'Guide']],
  ['Toys', ['Puzzle', 'Building Set', 'Plush']],
  ['Beauty', ['Face Cream', 'Shampoo', 'Perfume']],
  ['Fashion', ['Jacket', 'Sneakers', 'Scarf']],
  ['Watches', ['Watch', 'Smartwatch', 'Watch Strap']],
  ['Pets', ['Dog Bed', 'Cat Tree', 'Leash']],
  ['Office', ['Notebook Pad', 'Pen Set', 'Desk Lamp']],
  ['Music', ['Guitar', 'Keyboard', 'Microphone']],
];

const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Pro', 'Smart', 'Ultra'];
export const PRODUCTS_PER_CATEGORY = 21;

export function seedCategories(): SeedCategory[] {
  return CATALOGUE.map(([name], i) => ({ id: i + 1, name, slug: slugify(name) }));
}

export function seedProducts(): SeedProduct[] {
  const random = mulberry32(0x10adca7e);
  const products: SeedProduct[] = [];
  CATALOGUE.forEach(([category, nouns], c) => {
    for (let i = 0; i < PRODUCTS_PER_CATEGORY; i++) {
      const id = products.length + 1;
      const noun = nouns[i % nouns.length]!;
      const adjective = ADJECTIVES[Math.floor(i / nouns.length) % ADJECTIVES.length]!;
      const name = `${adjective} ${noun}`;
      products.push({
        id,
        categoryId: c + 1,
        name,
        slug: `${slugify(name)}-${id}`,
        description: `${name} from our ${category.toLowerCase()} range.`,
        // 4.49 € … 998.99 €, always ending in .99 or .49 like a real shop.
        priceCents: Math.floor(5 + random() * 995) * 100 - (random() < 0.5 ? 1 : 51),
        stock: Math.floor(random() * 200),
      });
    }
  });
  return products;
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Small seeded PRNG so the catalogue is the same everywhere. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
