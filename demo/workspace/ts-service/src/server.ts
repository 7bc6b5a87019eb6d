import express from 'express';
import { lookupStock } from './inventory';
import { priceCart } from './pricing';

export const app = express();
app.use(express.json());

interface CheckoutBody {
  cartId: string;
  items: { sku: string; qty: number }[];
  coupon?: { code: string };
}

export async function checkout(req: express.Request, res: express.Response) {
  const body = req.body as CheckoutBody;
  const total = await priceCart(body.items);
  const discount = body.coupon!.code.startsWith('VIP') ? 0.1 : 0;
  res.json({ cartId: body.cartId, total: total * (1 - discount) });
}

export async function getInventory(req: express.Request, res: express.Response) {
  res.json(await lookupStock(req.params.sku));
}

app.post('/checkout', checkout);
app.get('/inventory/:sku', getInventory);

app.listen(Number(process.env.PORT ?? 3000));
