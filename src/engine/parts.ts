/**
 * The optional parts of the engine, plugged in here by the modules that provide them (one line
 * each): OTLP receivers, file importers and the insights engine. server.ts composes what is set.
 */
import type { EngineParts } from './server';

export const engineParts: EngineParts = {};
