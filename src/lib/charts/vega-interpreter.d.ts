// Types of vega-interpreter.js: vega-interpreter's own (the same export).
export * from 'vega-interpreter';
