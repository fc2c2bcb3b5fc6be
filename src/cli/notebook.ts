// `npm run notebook -- run <notebook.json> --data <dataset>=<file> … --out <dir>`
// Runs a saved notebook in Node with the app's own readers, registry, runner
// and compute handlers (src/lib/headless/runNotebook.ts), and writes each
// cell's outcome to <dir>/<cell id>.json (and a dataset a cell hands on as
// <dir>/<cell id>.csv), plus <dir>/index.json listing every cell.
// Exit status: 0 every cell ran or waits for a setting; 1 a cell failed;
// 2 the command, the notebook or a data file is wrong. See docs/headless.md.

import 'fake-indexeddb/auto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runNotebook, RunError, type DataFile } from '../lib/headless/runNotebook';
import { toJsonText } from '../lib/headless/json';
import { modelComparison } from '../lib/cells/evaluate/comparison';
import type { EvaluationResult } from '../lib/engine/evaluate/report';

const USAGE = `Usage: npm run notebook -- run <notebook.json> [--data <dataset name or id>=<file>]… --out <dir>

Runs every cell of a notebook exported from Lifecycle Lab, reading each Data
cell's dataset from the file given for it (built-in samples are made again),
and writes <dir>/<cell id>.json for every cell (and <cell id>.csv for a
dataset), and <dir>/index.json.`;

/** Where the app's static files are (file-based samples such as Telco). */
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let text: string;
  try {
    text = await readFile(args.notebook, 'utf8');
  } catch (error) {
    process.stderr.write(
      `Cannot read the notebook ${args.notebook}: ${(error as Error).message}\n`,
    );
    return 2;
  }
  const files = new Map<string, DataFile>();
  for (const [dataset, path] of args.data) {
    try {
      files.set(dataset, { name: basename(path), blob: await openAsBlob(path) });
    } catch (error) {
      process.stderr.write(`Cannot read ${path} (for “${dataset}”): ${(error as Error).message}\n`);
      return 2;
    }
  }

  let report: Awaited<ReturnType<typeof runNotebook>>;
  try {
    report = await runNotebook(text, {
      files,
      readAppFile: async (path) => new Uint8Array(await readFile(join(PUBLIC_DIR, path))),
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    if (error instanceof RunError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }

  await mkdir(args.out, { recursive: true });
  const index = [];
  for (const cell of report.cells) {
    await writeFile(join(args.out, `${cell.cell}.json`), toJsonText(cell));
    const csv = report.csv.get(cell.cell);
    if (csv) await writeFile(join(args.out, `${cell.cell}.csv`), csv);
    index.push({
      cell: cell.cell,
      kind: cell.kind,
      position: cell.position,
      status: cell.status,
      message: cell.message,
      files: csv ? [`${cell.cell}.json`, `${cell.cell}.csv`] : [`${cell.cell}.json`],
    });
    const line = `[${cell.position}] ${cell.kind} ${cell.cell}: ${cell.status}`;
    process.stderr.write(cell.message ? `${line} — ${cell.message}\n` : `${line}\n`);
  }
  await writeFile(
    join(args.out, 'index.json'),
    toJsonText({
      notebook: report.notebook.id,
      title: report.notebook.title,
      cells: index,
      models: modelComparison(report.notebook.cells, (id) => {
        const outcome = report.cells.find((c) => c.cell === id);
        return outcome?.status === 'done' ? (outcome.result as EvaluationResult) : null;
      }),
    }),
  );
  const failed = report.cells.filter((c) => c.status === 'error');
  if (failed.length) {
    process.stderr.write(`${failed.length} of ${report.cells.length} cells failed.\n`);
    return 1;
  }
  return 0;
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  const [command, notebook, ...rest] = positionals;
  if (command !== 'run') throw new Error(command ? `Unknown command “${command}”.` : 'No command.');
  if (!notebook) throw new Error('No notebook file given.');
  if (rest.length) throw new Error(`Unexpected arguments: ${rest.join(' ')}`);
  if (!values.out) throw new Error('No output folder given (--out <dir>).');
  const data = values.data.map((pair) => {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1)
      throw new Error(`--data takes <dataset name or id>=<file>, not “${pair}”.`);
    return [pair.slice(0, at), resolve(pair.slice(at + 1))] as const;
  });
  return { notebook: resolve(notebook), out: resolve(values.out), data };
}

// Run when invoked as a script (not when a test imports main()).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `Internal error: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
