// Gateway bodies shaped as docs/gateway-api.md says, for the shim's responders.
export const product = (id: number, slug = 'kitchen') => ({
  id,
  name: `Product ${id}`,
  slug: `product-${id}`,
  description: 'A product',
  price: 19.9,
  currency: 'EUR',
  stock: 10,
  category: { id: 1, name: 'Kitchen', slug },
});

export const basket = (
  id: number,
  items: { id: number; product_id: number; quantity: number }[],
  promo: string | null = null,
) => {
  const lines = items.map((i) => ({
    ...i,
    name: `Product ${i.product_id}`,
    unit_price: 10,
    line_total: 10 * i.quantity,
  }));
  const subtotal = lines.reduce((s, l) => s + l.line_total, 0);
  const discount = promo ? subtotal * 0.1 : 0;
  return { id, items: lines, subtotal, discount, total: subtotal - discount, promo_code: promo };
};

export const order = (id: number, status: 'pending' | 'confirmed') => ({
  id,
  status,
  basket_id: 7,
  address_id: 3,
  payment_method: 'card',
  total: 20,
  created_at: '2025-01-01T00:00:00Z',
  confirmed_at: status === 'confirmed' ? '2025-01-01T00:00:01Z' : null,
});

export const auth = {
  token: 'jwt-token',
  user: { id: 1, name: 'Load Test', email: 'x@example.test' },
};
