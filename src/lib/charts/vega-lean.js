// The Vega runtime the page loads: vite.config.ts aliases the bare 'vega'
// import (vega-embed's) to this file. It is vega's own entry
// (node_modules/vega/build/vega.module.js, vega 6.4) with the same exports,
// less the transforms no chart of ours compiles to, which would otherwise
// ship in the chart chunk (~45 KB gzipped with their d3 modules):
//
//   vega-geo (and `projection`, with vega-projection and d3-geo-projection),
//   vega-force, vega-hierarchy, vega-label, vega-regression, vega-voronoi,
//   vega-wordcloud, vega-crossfilter.
//
// A spec that needs one of them (a Vega-Lite `geoshape`, `regression` or
// `loess` transform, a `nearest` selection) fails to parse with "Unrecognized
// transform type": add its package to the `extend` call below. The types stay
// vega's (vega-lean.d.ts); tests/charts and e2e/charts.spec.ts run our specs
// on this runtime. Plain JavaScript, as vega's entry is: the sub-packages ship
// no type declarations.
import { extend } from 'vega-util';
import { transforms } from 'vega-dataflow';
import * as tx from 'vega-transforms';
import * as vtx from 'vega-view-transforms';
import * as encode from 'vega-encode';

export * from 'vega-util';
export {
  Dataflow,
  EventStream,
  MultiPulse,
  Operator,
  Parameters,
  Pulse,
  Transform,
  changeset,
  definition,
  ingest,
  isTuple,
  transform,
  transforms,
  tupleid,
} from 'vega-dataflow';
export * from 'vega-statistics';
export * from 'vega-time';
export * from 'vega-loader';
export * from 'vega-scenegraph';
export {
  interpolate,
  interpolateColors,
  interpolateRange,
  quantizeInterpolator,
  scale,
  scheme,
} from 'vega-scale';
export { View } from 'vega-view';
export {
  defaultLocale,
  numberFormatDefaultLocale as formatLocale,
  locale,
  resetDefaultLocale,
  timeFormatDefaultLocale as timeFormatLocale,
} from 'vega-format';
export { expressionFunction } from 'vega-functions';
export { parse } from 'vega-parser';
export { context as runtimeContext } from 'vega-runtime';
export { codegenExpression, parseExpression } from 'vega-expression';
export { parseSelector } from 'vega-event-selector';

extend(transforms, tx, vtx, encode);

/** vega's version, which vega-embed compares with the compiled spec's $schema. */
export const version = '6.4.0';
