/**
 * The optional parts of the engine, plugged in here by the modules that provide them (one line
 * each): OTLP receivers, file importers and the insights engine. server.ts composes what is set.
 */
import { importTracesSliced } from './importers/importTraces';
import { createInsightsPart } from './insightsPart';
import { startOtlpGrpcReceiver } from './receivers/grpc';
import { startOtlpHttpReceiver } from './receivers/http';
import type { EngineParts } from './server';

export const engineParts: EngineParts = {
  otlpHttp: startOtlpHttpReceiver,
  otlpGrpc: startOtlpGrpcReceiver,
  insights: createInsightsPart,
  importer: importTracesSliced,
};
