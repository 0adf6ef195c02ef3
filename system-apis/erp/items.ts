import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import type { components } from '../../generated/types/system/erp.v1';
import type { Queryable } from '../../platform/db/database';
import type { SystemDeps } from '../common/deps';
import { money } from '../common/money';
import { listPage } from '../common/listing';
import { notFound } from '../common/problems';
import { num } from '../common/rows';

type Item = components['schemas']['Item'];

export interface ItemRow {
  sku: string;
  name: string;
  currency: string;
  price: number | string;
  tax_rate_bp: number;
  active: boolean;
}

const COLUMNS = 'sku, name, currency, price, tax_rate_bp, active';

const toItem = (r: ItemRow): Item => ({
  sku: r.sku,
  name: r.name,
  price: money(r.currency, num(r.price)),
  taxRateBp: r.tax_rate_bp,
  active: r.active,
});

/** The item master rows of these SKUs; SKUs ERP does not know are simply absent. */
export async function findItems(q: Queryable, skus: readonly string[]): Promise<Map<string, ItemRow>> {
  const { rows } = await q.query<ItemRow>(`SELECT ${COLUMNS} FROM erp.items WHERE sku = ANY($1::text[])`, [[...new Set(skus)]]);
  return new Map(rows.map((r) => [r.sku, r]));
}

export function itemHandlers({ db }: SystemDeps): Pick<ErpV1Handlers, 'listItems' | 'getItem'> {
  return {
    listItems: (req, caller) =>
      listPage(caller, req.query, {
        name: 'items',
        kind: 'string',
        rows: async (after, limit) => {
          const { rows } = await db.query<ItemRow>(
            `SELECT ${COLUMNS} FROM erp.items
              WHERE ($1::text IS NULL OR sku > $1) AND ($2::text[] IS NULL OR sku = ANY($2)) AND ($3::boolean IS NULL OR active = $3)
              ORDER BY sku LIMIT $4`,
            [after ?? null, req.query.skus ?? null, req.query.active ?? null, limit],
          );
          return rows;
        },
        key: (r) => r.sku,
        items: (rows) => rows.map(toItem),
      }),

    async getItem(req, caller) {
      const row = (await findItems(db, [req.params.sku])).get(req.params.sku);
      return row ? { status: 200, body: toItem(row) } : notFound(caller, `${req.params.sku} is not in the ERP item master`);
    },
  };
}
