import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('checkout-service.pricing');
const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal:8080';

/** Prices a cart: one HTTP call per item (a chatty API; the pricing service has a batch endpoint). */
export async function priceCart(items: { sku: string; qty: number }[]): Promise<number> {
  return tracer.startActiveSpan('price_cart', async (span) => {
    try {
      let total = 0;
      for (const item of items) {
        const res = await fetch(`${PRICING_URL}/prices/${encodeURIComponent(item.sku)}`);
        const { price } = (await res.json()) as { price: number };
        total += price * item.qty;
      }
      return total;
    } finally {
      span.end();
    }
  });
}
