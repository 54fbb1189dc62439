// The shop's /admin/invariants answer as the runner reads it (target-app/domain/sale.ts
// `Invariants`), validated: the runner only relies on the fields it reports.
import { z } from 'zod';

export const shopInvariantsSchema = z
  .object({
    stockAtStart: z.number(),
    stockLeft: z.number(),
    sold: z.number(),
    oversold: z.number(),
    acceptedButMissing: z.number().nullable(),
    drained: z.boolean(),
    stockConsistent: z.boolean().optional(),
    ordersByStatus: z.record(z.string(), z.number()).optional(),
  })
  .loose();
export type ShopInvariants = z.infer<typeof shopInvariantsSchema>;

/** One line for the terminal: `sold 100/100, oversold 0, accepted-but-missing 0, queue drained`. */
export function formatInvariants(i: ShopInvariants): string {
  return `sold ${i.sold}/${i.stockAtStart}, oversold ${i.oversold}, accepted-but-missing ${i.acceptedButMissing ?? 'unknown'}, ${i.drained ? 'queue drained' : 'orders still pending'}`;
}
