/** The sample service's database and the requests the end-to-end tests send it. */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { Client } from 'pg';
import type { PgCluster } from './pgCluster';

/** Requests per endpoint. */
export const REQUESTS = 15;

function get(port: number, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** Tables of the shop: 10 users, 40 products, 5 orders of 8 items each. */
export async function seed(pg: PgCluster): Promise<void> {
  const c = new Client({ host: '127.0.0.1', port: pg.port, user: pg.user, database: 'postgres' });
  await c.connect();
  await c.query(`
    CREATE TABLE users (id int PRIMARY KEY, name text);
    CREATE TABLE products (id int PRIMARY KEY, name text, price numeric);
    CREATE TABLE orders (id int PRIMARY KEY, user_id int);
    CREATE TABLE order_items (order_id int, product_id int, qty int);
    INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 10) g;
    INSERT INTO products SELECT g, 'product ' || g, g * 1.5 FROM generate_series(1, 40) g;
    INSERT INTO orders SELECT g, 1 + g % 10 FROM generate_series(1, 5) g;
    INSERT INTO order_items SELECT o, o * 8 - i, 1 FROM generate_series(1, 5) o, generate_series(0, 7) i;
  `);
  await c.end();
}

/** Waits for the forked service to listen, then sends REQUESTS requests to each endpoint, one at a time. */
export async function driveTraffic(child: ChildProcess): Promise<void> {
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { type: string; port: number }) => (m.type === 'ready' ? resolve(m.port) : reject(new Error(`unexpected ${m.type}`))));
    child.once('exit', (code) => reject(new Error(`sample service exited with ${code}`)));
  });
  for (let i = 0; i < REQUESTS; i++) {
    assert.equal(await get(port, `/orders/${1 + (i % 5)}/items`), 200);
    assert.equal(await get(port, '/reports/slow'), 200);
    assert.equal(await get(port, `/users/${1 + (i % 10)}`), 200);
    assert.equal(await get(port, '/health'), 200);
  }
}
