// Response bodies of the gateway (docs/gateway-api.md), checked on every call.
// zod/mini, not zod: the full build is ~470 KB and needs BigInt, which k6 0.49 lacks.
import * as z from 'zod/mini';

const id = z.number().check(z.int(), z.positive());
const money = z.number();
const timestamp = z.string();

export const Health = z.object({ status: z.literal('ok') });

export const User = z.object({ id, name: z.string(), email: z.string() });
export const AuthResult = z.object({ token: z.string().check(z.minLength(1)), user: User });

export const Category = z.object({ id, name: z.string(), slug: z.string() });

export const Product = z.object({
  id,
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  price: money,
  currency: z.literal('EUR'),
  stock: z.number().check(z.int()),
  category: Category,
});

export const PageMeta = z.object({
  current_page: z.number(),
  per_page: z.number(),
  total: z.number(),
  last_page: z.number(),
});

export const BasketItem = z.object({
  id,
  product_id: id,
  name: z.string(),
  quantity: z.number().check(z.int()),
  unit_price: money,
  line_total: money,
});

export const Basket = z.object({
  id,
  items: z.array(BasketItem),
  subtotal: money,
  discount: money,
  total: money,
  promo_code: z.nullable(z.string()),
});

export const Address = z.object({
  id,
  line1: z.string(),
  city: z.string(),
  postal_code: z.string(),
  country: z.string().check(z.length(2)),
});

export const PAYMENT_METHODS = ['card', 'paypal', 'bank_transfer'] as const;

export const Order = z.object({
  id,
  status: z.enum(['pending', 'confirmed']),
  basket_id: id,
  address_id: id,
  payment_method: z.enum(PAYMENT_METHODS),
  total: money,
  created_at: timestamp,
  confirmed_at: z.nullable(timestamp),
});

export const Ticket = z.object({
  id,
  subject: z.string(),
  message: z.string(),
  order_id: z.nullable(id),
  status: z.literal('open'),
  attachment: z.object({
    filename: z.string(),
    mime_type: z.string(),
    size: z.number(),
    sha256: z.string(),
  }),
  created_at: timestamp,
});

export const NEWSLETTER_LISTS = ['weekly', 'promotions'] as const;

export const Subscription = z.object({
  id,
  email: z.string(),
  list: z.enum(NEWSLETTER_LISTS),
  status: z.literal('subscribed'),
  created_at: timestamp,
  /** Only in the 201 of a new subscription: what reading or deleting it takes. */
  unsubscribe_token: z.optional(z.string()),
});

/** Error body: `{message, errors?: {field: [msg]}}`. */
export const ApiError = z.object({
  message: z.string(),
  errors: z.optional(z.record(z.string(), z.array(z.string()))),
});

/** `{data: …}` wrapper of single resources and lists. */
export const wrapped = <T extends z.ZodMiniType>(inner: T) => z.object({ data: inner });

export type Product = z.infer<typeof Product>;
export type Basket = z.infer<typeof Basket>;
export type Order = z.infer<typeof Order>;
export type Ticket = z.infer<typeof Ticket>;
export type Subscription = z.infer<typeof Subscription>;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type NewsletterList = (typeof NEWSLETTER_LISTS)[number];
