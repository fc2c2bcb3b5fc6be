// Types of vega-lean.js: vega's own (it exports the same names, less `projection`).
export * from 'vega';
