import * as assert from 'node:assert/strict';
import { endpointKey, functionKey, keyKind, normalizePath, normalizeSpanName, spanKey } from '../../src/shared/keys';

describe('code-object keys', () => {
  it('builds keys of each kind', () => {
    assert.equal(spanKey('api', '@opentelemetry/instrumentation-pg', 'pg.query:SELECT'), 'span:api:@opentelemetry/instrumentation-pg:pg.query:SELECT');
    assert.equal(endpointKey('api', 'get', '/users/:id'), 'endpoint:api:GET /users/:id');
    assert.equal(functionKey('app.users', 'get_user'), 'fn:app.users.get_user');
    assert.equal(functionKey(undefined, 'main'), 'fn:main');
    assert.equal(keyKind('fn:x'), 'function');
    assert.equal(keyKind('span:a:b:c'), 'span');
    assert.equal(keyKind('endpoint:a:GET /'), 'endpoint');
  });

  it('replaces id-like path segments', () => {
    assert.equal(normalizePath('/users/123/orders/9f1c2e4a-1b2c-4d5e-8f90-123456789abc'), '/users/{id}/orders/{id}');
    assert.equal(normalizePath('/blobs/deadbeef0042?x=1'), '/blobs/{id}');
    assert.equal(normalizePath('/users/me'), '/users/me');
    assert.equal(normalizePath('/accounts/facade'), '/accounts/facade');
  });

  it('normalizes span names, preferring http.route', () => {
    assert.equal(normalizeSpanName('GET /users/42'), 'GET /users/{id}');
    assert.equal(normalizeSpanName('GET /users/42', '/users/:id'), 'GET /users/:id');
    assert.equal(normalizeSpanName('SELECT users'), 'SELECT users');
  });
});
