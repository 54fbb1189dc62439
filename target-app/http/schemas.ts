// Every input the shop accepts, as a zod schema: path params, query strings, JSON bodies and
// headers. Anything else is answered 400 with an error code before it reaches the database.
import { z } from 'zod';
import { CART_QUANTITY_MAX } from '../domain/cart.ts';
import { PAGE_SIZE_MAX } from '../domain/catalogue.ts';

const PG_INT_MAX = 2_147_483_647;
/** a JSON number id (no strings: a body says what it means) */
const bodyId = z.number().int().min(1).max(PG_INT_MAX);
/** a query-string/path number: digits only (z.coerce alone would take "1e3" or " 7") */
const digits = z.string().regex(/^[0-9]{1,10}$/, 'expected a positive integer').transform(Number).pipe(bodyId);

export const productIdParam = z.object({ id: digits });
export const productListQuery = z.object({
  page: digits.optional().default(1),
  pageSize: z.string().regex(/^[0-9]{1,3}$/, 'expected a positive integer').transform(Number).pipe(z.number().int().min(1).max(PAGE_SIZE_MAX)).optional().default(20),
});
export const loginBody = z.object({ username: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only') }).strict();
export const cartBody = z.object({ productId: bodyId, quantity: z.number().int().min(1).max(CART_QUANTITY_MAX).default(1) }).strict();
export const checkoutBody = z.object({ saleId: bodyId.default(1) }).strict();
export const idempotencyKey = z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
export const orderIdParam = z.object({ id: z.uuid() });
export const saleQuery = z.object({ id: digits.optional().default(1) });
export const resetBody = z.object({ saleId: bodyId.default(1), stock: z.number().int().min(0).max(10_000_000).optional() }).strict();
export const invariantsQuery = z.object({ saleId: digits.optional().default(1) });
export const invariantsBody = z.object({ saleId: bodyId.default(1), orderIds: z.array(z.uuid()).max(1_000_000).default([]) }).strict();
