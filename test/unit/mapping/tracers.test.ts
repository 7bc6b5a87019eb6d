import * as assert from 'node:assert/strict';
import type { DocumentInput } from '../../../src/mapping/index';
import { linkDocuments } from '../../../src/mapping/index';
import { mapper } from './support';

/** Maps and links the documents; `function: span@scope …` per function with spans. */
async function spans(inputs: DocumentInput[]): Promise<string[]> {
  const m = await mapper();
  const docs = linkDocuments(await Promise.all(inputs.map((i) => m.parseDocument(i))));
  return docs.flatMap((d) => d.functions.filter((f) => f.spans.length).map((f) => `${f.qualifiedName}: ${f.spans.map((s) => `${s.name}@${s.scope ?? '?'}`).join(' ')}`));
}

describe('mapping: tracer and ActivitySource names behind span literals', function () {
  this.timeout(30_000);

  it('Python: module tracer, class attribute and self.tracer set in __init__ are told apart', async () => {
    assert.deepEqual(
      await spans([
        {
          languageId: 'python',
          path: 'shop/billing.py',
          text: `from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class Invoices:
    tracer = trace.get_tracer("shop.invoices")

    def total(self):
        with self.tracer.start_as_current_span("invoices.total"):
            return 0

    def module_level(self):
        with tracer.start_as_current_span("invoices.module"):
            return 0


class Payments:
    def __init__(self):
        self.tracer = trace.get_tracer("shop.payments")

    def charge(self):
        span = self.tracer.start_span("payments.charge")
        span.end()
`,
        },
      ]),
      ['shop.billing.Invoices.total: invoices.total@shop.invoices', 'shop.billing.Invoices.module_level: invoices.module@shop.billing', 'shop.billing.Payments.charge: payments.charge@shop.payments'],
    );
  });

  it('TypeScript: a class field tracer used as this.tracer; a local tracer in a method', async () => {
    assert.deepEqual(
      await spans([
        {
          languageId: 'typescript',
          path: 'src/cart.ts',
          text: `import { trace } from '@opentelemetry/api';

export class Cart {
  private readonly tracer = trace.getTracer('cart');

  add(): void {
    this.tracer.startActiveSpan('cart.add', (span) => span.end());
  }

  clear(): void {
    const tracer = trace.getTracer('cart-admin');
    tracer.startSpan('cart.clear').end();
  }
}
`,
        },
      ]),
      ['Cart.add: cart.add@cart', 'Cart.clear: cart.clear@cart-admin'],
    );
  });

  it('C# and Java: a static ActivitySource / Tracer of a telemetry class in another file', async () => {
    assert.deepEqual(
      await spans([
        {
          languageId: 'csharp',
          path: 'Telemetry.cs',
          text: `using System.Diagnostics;\n\nnamespace Acme.Orders;\n\npublic static class Telemetry\n{\n    public static readonly ActivitySource Source = new("Acme.Orders");\n}\n`,
        },
        {
          languageId: 'csharp',
          path: 'OrderService.cs',
          text: `namespace Acme.Orders;\n\npublic class OrderService\n{\n    public void Place()\n    {\n        using var activity = Telemetry.Source.StartActivity("orders.place");\n    }\n}\n`,
        },
        {
          languageId: 'java',
          path: 'src/main/java/com/acme/Tracing.java',
          text: `package com.acme;\n\npublic final class Tracing {\n    public static final Tracer TRACER = GlobalOpenTelemetry.getTracer("com.acme.orders");\n}\n`,
        },
        {
          languageId: 'java',
          path: 'src/main/java/com/acme/OrderService.java',
          text: `package com.acme;\n\npublic class OrderService {\n    public void place() {\n        Span span = Tracing.TRACER.spanBuilder("orders.place").startSpan();\n        span.end();\n    }\n}\n`,
        },
      ]),
      ['Acme.Orders.OrderService.Place: orders.place@Acme.Orders', 'com.acme.OrderService.place: orders.place@com.acme.orders'],
    );
  });
  it('Go: a struct field set from otel.Tracer in a constructor or a method, used through any receiver name, in any file of the package', async () => {
    assert.deepEqual(
      await spans([
        {
          languageId: 'go',
          path: 'internal/shop/server.go',
          text: [
            'package shop',
            '',
            'import "go.opentelemetry.io/otel"',
            '',
            'type Server struct {',
            '\ttracer trace.Tracer',
            '\taudit  trace.Tracer',
            '}',
            '',
            'func NewServer() *Server {',
            '\treturn &Server{tracer: otel.Tracer("shop/server")}',
            '}',
            '',
            'func (s *Server) init() {',
            '\ts.audit = otel.Tracer("shop/audit")',
            '}',
            '',
            'func (s *Server) Checkout(ctx context.Context) {',
            '\tctx, span := s.tracer.Start(ctx, "checkout")',
            '\tdefer span.End()',
            '}',
            '',
          ].join('\n'),
        },
        {
          languageId: 'go',
          path: 'internal/shop/audit.go',
          text: [
            'package shop',
            '',
            'func (srv *Server) Record(ctx context.Context) {',
            '\t_, a := srv.audit.Start(ctx, "audit.record")',
            '\t_, b := srv.tracer.Start(ctx, "audit.checkout")',
            '\ta.End()',
            '\tb.End()',
            '}',
            '',
            'func Free(ctx context.Context, s *Server) {',
            '\t_, span := s.tracer.Start(ctx, "free")',
            '\tspan.End()',
            '}',
            '',
          ].join('\n'),
        },
      ]),
      [
        'shop.Server.Checkout: checkout@shop/server',
        'shop.Server.Record: audit.record@shop/audit audit.checkout@shop/server',
        // `s` is a parameter here, not a receiver: its type is not looked for.
        'shop.Free: free@?',
      ],
    );
  });
});
