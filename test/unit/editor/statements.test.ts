import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fallbackMapDocument } from '../../../src/providers/codeMap';
import { attributeStatements, normalizeSql, sqlLiterals } from '../../../src/providers/statements';
import type { Insight } from '../../../src/shared/api';

const insight = (id: string, type: Insight['type'], statement: string): Insight => ({
  id, type, scope: 'span', severity: 'medium', codeObject: 'span:orders-api:asyncpg:SELECT order_items', service: 'orders-api', title: 'N+1 queries (12×)', detail: '', figures: { statement }, sampleTraceIds: {}, firstSeen: 0, lastSeen: 0, status: 'active',
});

describe('statements in source', () => {
  it('normalizes bind parameters, literals and spacing the same way on both sides', () => {
    assert.equal(normalizeSql('SELECT sku, qty FROM order_items WHERE order_id = $1'), normalizeSql('select sku,qty from order_items where order_id=?'));
    assert.equal(normalizeSql("SELECT * FROM t WHERE a = 'x' AND b = 42 AND c = :name AND d = %(d)s;"), 'select * from t where a=? and b=? and c=? and d=?');
  });

  it('finds SQL string literals (single, double, template and triple quotes) and ignores other strings', () => {
    const text = 'q = "SELECT id FROM users WHERE id = %s"\nx = "hello"\ny = """\n  UPDATE users\n  SET name = $1\n"""\nz = `DELETE FROM t WHERE id = ${id}`';
    assert.deepEqual(sqlLiterals(text), ['select id from users where id=?', 'update users set name=?', 'delete from t where id=?']);
  });

  it('attributes the demo N+1 to the function whose literal holds the statement', () => {
    const path = 'python-api/app/repository.py';
    const text = fs.readFileSync(`demo/workspace/${path}`, 'utf8');
    const map = fallbackMapDocument({ languageId: 'python', text, path });
    const n1 = insight('n1', 'nPlusOne', 'SELECT sku, qty FROM order_items WHERE order_id = ?');
    const other = insight('x', 'nPlusOne', 'SELECT * FROM payments WHERE id = ?');
    const notStatement = { ...insight('b', 'bottleneck', 'SELECT sku, qty FROM order_items WHERE order_id = ?') };
    const got = attributeStatements(map, text, [n1, other, notStatement]);
    assert.deepEqual([...got.entries()].map(([i, list]) => [map.functions[i].name, list.map((x) => x.id)]), [['list_orders', ['n1']]]);
  });
});
