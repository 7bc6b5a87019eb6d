/** The catalog's analyzers by insight type (all but `neverReached`, which needs the workspace mapping). */
import type { InsightType } from '../../shared/api';
import type { Analyzer } from './context';
import { durationChange } from './durationChange';
import { errorHotspot, errors } from './errors';
import { duration, longTail, slowEndpoint, slowQuery } from './latency';
import { chattyApi, highQueryCount, nPlusOne } from './patterns';
import { queueWait } from './queueWait';
import { scaling } from './scaling';
import { bottleneck, breakdown } from './shares';
import { callers, usage } from './usage';

export const ANALYZERS: Record<Exclude<InsightType, 'neverReached'>, Analyzer> = {
  duration,
  durationChange,
  bottleneck,
  nPlusOne,
  chattyApi,
  highQueryCount,
  slowEndpoint,
  slowQuery,
  longTail,
  scaling,
  errorHotspot,
  errors,
  usage,
  callers,
  breakdown,
  queueWait,
};

/** Types that describe rather than warn: they come and go with the data and never become `possibly-fixed`. */
export const DESCRIPTIVE_TYPES: ReadonlySet<InsightType> = new Set<InsightType>(['duration', 'usage', 'callers', 'breakdown', 'neverReached']);
