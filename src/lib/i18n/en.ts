// English message catalogue: the source of every visible string.
// Keys are stable ids; `{name}` placeholders are filled by translate().
// zh-CN.ts must provide every key (the compiler checks it).

export const en = {
  'app.title': 'Lifecycle Lab',
  'app.tagline': 'Customer lifecycle analysis that stays in your browser',
  'app.loading': 'Opening your notebook…',
  'app.language': 'Language',
  'app.privacy': 'Your data never leaves this browser.',

  'notebook.title': 'Notebook',
  'notebook.export': 'Export notebook',
  'notebook.import': 'Import notebook',
  'notebook.imported': 'Notebook imported.',
  'notebook.missing-datasets':
    'This notebook refers to datasets that are not stored in this browser: {names}. Load them again in the Data cells.',
  'notebook.add-cell': 'Add cell',
  'notebook.empty': 'This notebook has no cells yet. Add one to start.',

  'cell.kind.data': 'Data',
  'cell.kind.profile': 'Profile',
  'cell.kind.survival': 'Survival',
  'cell.run': 'Re-run',
  'cell.move-up': 'Move up',
  'cell.move-down': 'Move down',
  'cell.remove': 'Remove cell',
  'cell.running': 'Running…',
  'cell.cancel': 'Cancel',
  'cell.input': 'Input data',
  'cell.input.none': 'Choose a Data cell',
  'cell.waiting': 'Waiting for its input.',
  'cell.stale': 'Input changed; re-running…',

  'data.choose': 'Dataset',
  'data.none': 'No dataset chosen',
  'data.samples': 'Built-in samples',
  'data.load-sample': 'Load sample',
  'data.stored': 'Stored datasets',
  'data.drop': 'Drop a CSV or TSV file here, or',
  'data.pick': 'choose a file',
  'data.parsing': 'Reading {name}…',
  'data.rows-cols': '{rows} rows × {cols} columns',
  'data.encoding': 'Encoding: {encoding}',
  'data.delimiter': 'Delimiter: {delimiter}',
  'data.preview': 'Preview (first {n} rows)',
  'data.warnings': 'Warnings',
  'data.missing': 'The dataset this cell used is no longer stored. Choose or load another.',

  'sample.insurance.title': 'Insurance book (synthetic)',
  'sample.insurance.description':
    'Policyholders with demographics, channel, product, premium, payment and complaint history, and a premium payment log. Lapse times follow a documented hazard model.',
  'sample.telco.title': 'IBM Telco customer churn',
  'sample.telco.description':
    '7,043 telecom customers with tenure, contract, charges and churn. IBM sample data, Apache-2.0.',

  'profile.column': 'Column',
  'profile.type': 'Type',
  'profile.missing': 'Missing',
  'profile.distinct': 'Distinct',
  'profile.summary': 'Summary',
  'profile.distribution': 'Distribution',
  'profile.min': 'min',
  'profile.max': 'max',
  'profile.mean': 'mean',
  'profile.median': 'median',
  'profile.std': 'sd',
  'profile.top': 'top',

  'type.integer': 'integer',
  'type.decimal': 'decimal',
  'type.boolean': 'boolean',
  'type.date': 'date',
  'type.datetime': 'date-time',
  'type.categorical': 'categorical',
  'type.identifier': 'identifier',
  'type.text': 'text',

  'survival.duration': 'Duration',
  'survival.event': 'Event',
  'survival.event-values': 'Event when value is',
  'survival.group': 'Group by',
  'survival.group.none': 'No grouping',
  'survival.conf-type': 'Confidence interval',
  'survival.conf-level': 'Level',
  'survival.conf.log': 'log (R default)',
  'survival.conf.log-log': 'log-log (SAS default)',
  'survival.conf.plain': 'plain',
  'survival.choose-columns': 'Choose the duration and event columns.',
  'survival.time': 'Time',
  'survival.survival': 'Survival probability',
  'survival.censored': 'Censored',
  'survival.at-risk': 'Number at risk',
  'survival.median': 'Median survival',
  'survival.median-ci': '{level}% CI',
  'survival.not-reached': 'not reached',
  'survival.n': 'n',
  'survival.events': 'Events',
  'survival.all': 'All',
  'survival.excluded': '{n} rows left out: missing or negative duration, or missing event.',

  'storage.title': 'Data in this browser',
  'storage.datasets': 'Datasets',
  'storage.empty': 'No datasets stored.',
  'storage.delete': 'Delete',
  'storage.delete-confirm': 'Delete dataset “{name}”? Cells that use it will need another dataset.',
  'storage.delete-all': 'Delete all local data',
  'storage.delete-all-confirm':
    'Delete every dataset, notebook and setting stored by Lifecycle Lab in this browser? This cannot be undone.',
  'storage.deleted-all': 'All local data was deleted.',
  'storage.usage': '{used} used of about {quota}',
  'storage.rows': '{rows} rows',

  'action.close': 'Close',
  'action.dismiss': 'Dismiss',

  'error.title': 'Something went wrong',
  'error.cancelled': 'Cancelled.',
  'error.internal': 'An unexpected error occurred: {message}',
  'error.worker-crashed':
    'The computation stopped unexpectedly. Try again; if it repeats, reload the page.',
  'error.unknown': 'Error: {code}',
  'column.not-found': 'Column “{column}” is not in this dataset.',
  'storage.quota':
    'There is not enough storage space in this browser to save this. Delete datasets you no longer need, then try again. Nothing was saved.',
  'storage.failed': 'The browser could not save or read local data: {message}',
  'storage.not-found': 'The dataset is no longer stored.',
  'notebook.not-json': 'This file is not a notebook: it is not valid JSON.',
  'notebook.invalid': 'This file is not a valid Lifecycle Lab notebook: {reason}',
  'notebook.version':
    'This notebook was saved by a newer version of Lifecycle Lab (format {version}). Update the app to open it.',
  'storage.corrupt':
    'The stored dataset is damaged and cannot be read. Delete it and import it again.',
  'notebook.too-large': 'This file is too large to be a notebook (limit {limit} characters).',
  'notebook.not-notebook': 'This file is not a Lifecycle Lab notebook.',
  'notebook.unknown-cell': 'Cell {cell} has a kind this version does not know: “{kind}”.',
  'sample.fetch-failed': 'The sample “{sample}” could not be loaded (status {status}).',
  'sample.unknown': 'There is no sample called “{sample}”.',
  'sample.invalid-as-of': 'The as-of date “{value}” is not a valid date (use YYYY-MM-DD).',
  'sample.invalid-size':
    'The number of policies must be a whole number from 1 to {max}; got {value}.',
  'survival.no-usable-rows':
    'No rows can be used for the survival analysis ({excluded} rows excluded).',
  'survival.duration-not-numeric': 'Duration column “{column}” must be numeric (it is {type}).',
  'survival.event-type-invalid': 'Column “{column}” ({type}) cannot be used as an event indicator.',
  'survival.event-values-required':
    'Choose which values of “{column}” mean the event happened (found {count}: {values}).',
  'survival.event-values-not-found':
    'None of the event values ({values}) occur in column “{column}”.',
  'survival.too-many-groups': '“{column}” has {count} groups; at most {max} can be compared.',
  'survival.invalid-time': 'Row {row} has a missing or non-finite time.',
  'survival.length-mismatch': 'Times ({time}) and events ({event}) have different lengths.',
  'survival.group-code-invalid': 'Row {row} has an unknown group code {code}.',
  'survival.conf-level-invalid': 'Confidence level must be between 0 and 1 (got {value}).',
  'survival.conf-type-invalid': 'Unknown confidence interval type “{value}”.',
  'survival.lower': 'Lower CI',
  'survival.upper': 'Upper CI',
  'file.empty': 'The file is empty.',
  'file.no-rows': 'The file has a header row but no data rows.',
  'file.binary': 'This file is not a text (CSV) file.',
  'file.spreadsheet': 'This looks like an Excel workbook; open it as a workbook or save it as CSV.',
  'encoding.unsupported': 'The text encoding “{encoding}” is not supported.',
  'csv.unterminated-quote': 'A quoted field starting in row {row} is never closed.',
  'csv.ragged': 'Row {row} has {found} fields; expected {expected}.',
  'encoding.guessed':
    'The text encoding was guessed as {encoding}; choose another if the text looks wrong.',
  'encoding.invalid-bytes':
    '{count} characters could not be decoded as {encoding} and were replaced.',
  'csv.short-rows':
    '{count} rows (first: row {row}) had fewer than {expected} fields; the missing fields are empty.',
  'ingest.blank-column-names': 'Blank column names were named {columns}.',
  'ingest.duplicate-column-names': 'Repeated column names were given suffixes: {columns}.',
  'ingest.column-demoted':
    'Column “{column}” was read as text: row {row} has “{value}”, which is not a {type}.',
  'file.xls-unsupported':
    'This is an old binary Excel file (.xls), which can’t be read here. Open it in Excel or WPS and save it as .xlsx or CSV, then import that.',
  'xlsx.invalid': 'This file could not be read as an Excel workbook (.xlsx): {reason}',
  'xlsx.sheet-not-found': 'The workbook has no sheet named “{sheet}”. Its sheets are: {sheets}.',
  'parquet.invalid': 'This file could not be read as Parquet: {reason}',
  'parquet.nested-unsupported':
    'Column “{column}” holds nested data (list, map or struct), which is not supported. Flatten it before exporting.',
  'parquet.type-unsupported':
    'Column “{column}” has a Parquet type ({type}) that is not supported.',
  'json.invalid': 'The JSON is not valid (near line {line}).',
  'json.not-records':
    'The JSON file is not a list of records. Expected an array of objects, e.g. [{"id": 1, …}, …].',
  'json.record-not-object': 'Record {row} is not an object with named fields.',
  'parquet.int64-as-text':
    'Column “{column}” holds integers too large to store exactly as numbers (first in row {row}); it was read as text so no digits are lost.',
  'json.nested-as-text':
    'Column “{column}” contains objects or arrays (first in record {row}); they are kept as JSON text.',
  'prepare.invalid-setting': 'The setting “{setting}” has an invalid value: {value}.',
  'prepare.wrong-column-type': 'Column “{column}” is {type}; this step needs {expected}.',
  'prepare.duplicate-column': 'A column named “{column}” already exists.',
  'prepare.invalid-date': '“{value}” in “{setting}” is not a date in yyyy-mm-dd form.',
  'prepare.no-values': 'Column “{column}” has no values to compute from.',
  'prepare.constant-column':
    'Column “{column}” has the same value in every row, so it cannot be scaled or binned.',
  'prepare.too-many-levels':
    'Column “{column}” has {levels} distinct values; one-hot encoding allows at most {max}.',
  'prepare.level-not-in-order':
    'The value “{value}” of column “{column}” is missing from the given order.',
  'prepare.labels-mismatch': '{labels} labels were given for {bins} bins.',
  'prepare.expression-invalid': 'The expression cannot be used: {message}',
  'prepare.as-of-required':
    'Some end dates in “{column}” are missing; give an as-of date to measure them to.',
  'prepare.join-too-large':
    'This join would produce {rows} rows (limit {max}); check that the keys are unique enough.',
  'export.too-many-rows':
    '{rows} rows do not fit in an Excel sheet (at most {max}); export as CSV instead.',
  'export.too-many-columns': '{columns} columns do not fit in an Excel sheet (at most {max}).',
  // charts
  'chart.actions': 'Chart actions',
  'chart.save-png': 'Save as PNG',
  'chart.save-svg': 'Save as SVG',
} as const;

export type MessageKey = keyof typeof en;
