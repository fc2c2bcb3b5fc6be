// The chart runtime, loaded apart from the page's entry: vega-embed (which
// carries Vega and Vega-Lite) and the CSP-safe expression interpreter. Runs on
// the page; VegaView renders with it, and main.ts starts the download early.

export interface ChartRuntime {
  embed: (typeof import('vega-embed'))['default'];
  vega: (typeof import('vega-embed'))['vega'];
  vegaLite: (typeof import('vega-embed'))['vegaLite'];
  expr: (typeof import('vega-interpreter'))['expressionInterpreter'];
}

let runtime: Promise<ChartRuntime> | undefined;

/** Loads the chart chunk once; main.ts calls it at start so the first chart need not wait. */
export function loadChartRuntime(): Promise<ChartRuntime> {
  // Vega first, then Vega-Lite and vega-embed: two chunks evaluated in two
  // tasks (~40 ms each) rather than one of ~80 ms.
  runtime ??= import('vega')
    .then(() => Promise.all([import('vega-embed'), import('vega-interpreter')]))
    .then(([embedModule, interpreter]) => ({
      embed: embedModule.default,
      vega: embedModule.vega,
      vegaLite: embedModule.vegaLite,
      expr: interpreter.expressionInterpreter,
    }));
  return runtime;
}
