/**
 * Ingest loads for the fault tests: posters that send numbered batches (one span name per batch,
 * so each batch can be counted by the query API afterwards) until told to stop or until the engine
 * goes away, and record which batches the engine acknowledged.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { request } from '../unit/ingest/httpClient';
import { exportSpans, makeExporter } from '../support/otelSdk';
import { pbRequest, pbSpan } from './payloads';

export const SPANS_PER_BATCH = 20;

export interface SentBatch {
  name: string;
  acked: boolean;
}

export type PosterKind = 'raw-protobuf' | 'sdk-proto' | 'sdk-grpc';

export interface Poster {
  sent: SentBatch[];
  done: Promise<void>;
}

/** SDK spans named `name` for `service`, finished and ready to export. */
class SdkSpanSource {
  private readonly memory = new InMemorySpanExporter();
  private readonly provider: BasicTracerProvider;

  constructor(service: string) {
    this.provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(this.memory)] });
  }

  spans(name: string, n: number): ReturnType<InMemorySpanExporter['getFinishedSpans']> {
    const tracer = this.provider.getTracer('reliability-faults');
    for (let i = 0; i < n; i++) {
      tracer.startSpan(name).end();
    }
    const out = this.memory.getFinishedSpans().slice();
    this.memory.reset();
    return out;
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

/**
 * Sends batches `<prefix>-<n>` of SPANS_PER_BATCH spans, one at a time, until `stop()` says so or a
 * send fails (the engine is gone). A batch counts as acknowledged only on 200 / export success.
 */
export function startPoster(kind: PosterKind, ports: { http: number; grpc: number }, service: string, prefix: string, stop: () => boolean): Poster {
  const sent: SentBatch[] = [];
  const done = (async () => {
    const source = kind === 'raw-protobuf' ? undefined : new SdkSpanSource(service);
    let exporter: SpanExporter | undefined;
    if (kind === 'sdk-proto') {
      exporter = makeExporter('proto', `http://127.0.0.1:${ports.http}/v1/traces`, { timeoutMillis: 2_000 });
    } else if (kind === 'sdk-grpc') {
      exporter = makeExporter('grpc', `http://127.0.0.1:${ports.grpc}`, { timeoutMillis: 2_000 });
    }
    try {
      for (let n = 0; !stop(); n++) {
        const batch: SentBatch = { name: `${prefix}-${n}`, acked: false };
        sent.push(batch);
        try {
          if (exporter && source) {
            await exportSpans(exporter, source.spans(batch.name, SPANS_PER_BATCH));
          } else {
            const body = pbRequest(Array.from({ length: SPANS_PER_BATCH }, () => pbSpan({ name: batch.name })), 'reliability', service);
            const r = await request(ports.http, { headers: { 'content-type': 'application/x-protobuf' }, body });
            if (r.status !== 200) {
              throw new Error(`status ${r.status}`);
            }
          }
          batch.acked = true;
        } catch {
          return;
        }
      }
    } finally {
      await exporter?.shutdown().catch(() => undefined);
      await source?.shutdown();
    }
  })();
  return { sent, done };
}
