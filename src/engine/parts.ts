/**
 * The optional parts of the engine, plugged in here by the modules that provide them (one line
 * each): OTLP receivers, file importers and the insights engine. server.ts composes what is set.
 */
import { importTracesSliced } from './importers/importTraces';
import { startOtlpGrpcReceiver } from './receivers/grpc';
import { startOtlpHttpReceiver } from './receivers/http';
import type { EngineParts } from './server';

export const engineParts: EngineParts = {
  otlpHttp: startOtlpHttpReceiver,
  otlpGrpc: startOtlpGrpcReceiver,
  // The insights engine, wired through createInsightsPart (./insightsPart). Off until its pattern
  // insights are attributed to the function that issues them (test/unit/editor/demoEngine.test.ts
  // expects the demo's N+1 on list_orders; the engine raises it on the endpoint and the DB span):
  // insights: createInsightsPart,
  importer: importTracesSliced,
};
