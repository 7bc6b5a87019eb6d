import * as assert from 'node:assert/strict';
import { canonicalRoute, joinRoute, splitMethodRoute } from '../../../src/mapping/index';

describe('mapping: canonicalRoute', () => {
  const same: [string, string][] = [
    ['/users/{id}', '/users/{}'],
    ['/users/:id', '/users/{}'],
    ['/users/<int:id>', '/users/{}'],
    ['/users/<id>', '/users/{}'],
    ['/users/{id:int}', '/users/{}'],
    ['api/Users/{id:int}', '/api/users/{}'],
    ['/users/{id?}', '/users/{}'],
    ['/users/:id(\\d+)', '/users/{}'],
    ['/users/{id:[0-9]+}', '/users/{}'],
    ['/books/{id: \\d+}', '/books/{}'],
    ['/books/{id: [0-9]{1,4}}/x', '/books/{}/x'],
    ['/files/*', '/files/{*}'],
    ['/files/*filepath', '/files/{*}'],
    ['/files/{*path}', '/files/{*}'],
    ['/files/{**path}', '/files/{*}'],
    ['/files/{path...}', '/files/{*}'],
    ['/files/<path:p>', '/files/{*}'],
    ['/users/', '/users'],
    ['', '/'],
    ['/', '/'],
    ['/{$}', '/'],
    ['GET /items/{id}', '/items/{}'],
    ['~/status', '/status'],
    ['//a//b/', '/a/b'],
  ];
  for (const [input, expected] of same) {
    it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(canonicalRoute(input), expected));
  }

  it('keeps static segments apart and names of parameters out', () => {
    assert.notEqual(canonicalRoute('/users/{id}'), canonicalRoute('/orders/{id}'));
    assert.equal(canonicalRoute('/users/{user_id}/orders/:orderId'), canonicalRoute('/users/<int:uid>/orders/{oid}'));
    assert.notEqual(canonicalRoute('/users/{id}'), canonicalRoute('/users/{id}/x'));
  });

  it('joins prefixes like routers do', () => {
    assert.equal(joinRoute('/api/', '/users'), '/api/users');
    assert.equal(joinRoute('/api', 'users'), '/api/users');
    assert.equal(joinRoute('', ''), '/');
    assert.equal(joinRoute('/api', ''), '/api');
  });

  it('splits METHOD route', () => {
    assert.deepEqual(splitMethodRoute('get /a/{id}'), { method: 'GET', route: '/a/{id}' });
    assert.equal(splitMethodRoute('users.load'), undefined);
    assert.equal(splitMethodRoute('FETCH /x'), undefined);
  });
});
