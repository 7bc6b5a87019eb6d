import { trace } from '@opentelemetry/api';
import { Pool } from 'pg';

const tracer = trace.getTracer('checkout-service.inventory');
const pool = new Pool({ connectionString: process.env.DATABASE_URL ?? 'postgresql://shop@localhost/shop' });

/** Stock for a SKU; warehouse SKUs (W-…) go through a slow full scan. */
export async function lookupStock(sku: string) {
  return tracer.startActiveSpan('inventory.lookup', async (span) => {
    try {
      const sql = sku.startsWith('W-')
        ? 'SELECT sku, sum(qty) FROM stock_moves WHERE sku = $1 GROUP BY sku'
        : 'SELECT sku, qty FROM stock WHERE sku = $1';
      const { rows } = await pool.query(sql, [sku]);
      return rows[0] ?? { sku, qty: 0 };
    } finally {
      span.end();
    }
  });
}
