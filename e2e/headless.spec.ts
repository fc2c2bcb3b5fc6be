// The headless runner gives what the browser shows: the default notebook,
// exported from the page and run by `npm run notebook` on the same built-in
// sample, has the same Kaplan–Meier table (groups, n, events, medians with CI).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellOfKind, expect, openApp, test } from './fixtures';
import { formatNumber } from '../src/lib/i18n';

test('npm run notebook on the exported sample notebook equals the Survival cell', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  const survival = cellOfKind(page, 'survival');
  const rows = survival.getByTestId('median-table').locator('tbody tr');
  await expect(rows).not.toHaveCount(0);
  const shown = await rows.evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent!.trim())),
  );

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export notebook' }).click(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'lab-headless-'));
  try {
    const notebook = join(dir, 'notebook.json');
    await download.saveAs(notebook);
    const out = join(dir, 'out');
    execFileSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'src/cli/notebook.ts', 'run', notebook, '--out', out],
      { stdio: 'pipe' },
    );
    const result = JSON.parse(readFileSync(join(out, 'survival-1.json'), 'utf8'));
    expect(result.status).toBe('done');
    // Formatted by the app's own formatter, as the page shows them (null: not reached).
    const fmt = (v: number | null) => (v === null ? 'not reached' : formatNumber('en', v));
    const expected = (
      result.result.curves as {
        group: string;
        n: number;
        events: number;
        median: { estimate: number | null; lower: number | null; upper: number | null };
      }[]
    ).map((c) => [
      c.group,
      fmt(c.n),
      fmt(c.events),
      fmt(c.median.estimate),
      `${fmt(c.median.lower)} – ${fmt(c.median.upper)}`,
    ]);
    expect(shown).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
