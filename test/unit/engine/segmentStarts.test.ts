import * as assert from 'node:assert/strict';
import { segmentStarts } from '../../../src/engine/aggregates/codeObjectKeys';
import { decodeTraceRequestProto } from '../../../src/engine/otlp/protoDecoder';
import { serializeSpans, workloadSpans } from '../../support/otelSdk';
import { resource, span } from './spanFixtures';

const CLIENT = 3;
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

describe('segment starts of a batch', () => {
  it('marks entry spans whose parent is missing, remote, in another service, or a client/producer call', () => {
    const web = resource('web');
    const api = resource('api');
    const scope = { name: 's' };
    const root = span(web, scope, { name: 'GET /', kind: SERVER, startMs: 0, durMs: 10 });
    const call = span(web, scope, { parent: root.spanId, name: 'GET api', kind: CLIENT, startMs: 1, durMs: 5 });
    const viaClient = span(api, scope, { parent: call.spanId, name: 'GET /api', kind: SERVER, startMs: 2, durMs: 3 });
    const nested = span(api, scope, { parent: viaClient.spanId, name: 'inner entry', kind: SERVER, startMs: 2, durMs: 1 });
    const otherService = span(web, scope, { parent: viaClient.spanId, name: 'callback', kind: SERVER, startMs: 3, durMs: 1 });
    const publish = span(web, scope, { parent: root.spanId, name: 'publish', kind: PRODUCER, startMs: 4, durMs: 1 });
    const consume = span(web, scope, { parent: publish.spanId, name: 'consume', kind: CONSUMER, startMs: 6, durMs: 1 });
    const remote = span(api, scope, { parent: 'aaaaaaaaaaaaaaaa', name: 'GET /remote', kind: SERVER, startMs: 7, durMs: 1 });
    const internal = span(api, scope, { parent: remote.spanId, name: 'work', startMs: 7, durMs: 1 });
    // Children before their parents too: the batch order does not matter.
    const batch = [nested, viaClient, root, call, otherService, consume, publish, internal, remote];
    assert.deepEqual(segmentStarts(batch), [false, true, true, false, true, true, false, false, true]);
    assert.deepEqual(segmentStarts([]), []);
  });

  it('marks the requests of each service in the SDK workload: one per SERVER span', async () => {
    const spans = decodeTraceRequestProto(serializeSpans('protobuf', await workloadSpans({ traces: 30 }))).spans;
    const starts = segmentStarts(spans);
    const entries = spans.filter((s) => s.kind === SERVER || s.kind === CONSUMER);
    assert.ok(entries.length > 30);
    // In this workload every entry span's parent is a client or producer span (or absent).
    assert.equal(starts.filter(Boolean).length, entries.length);
    assert.ok(spans.every((s, i) => starts[i] === (s.kind === SERVER || s.kind === CONSUMER)));
  });
});
