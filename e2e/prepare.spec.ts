// Prepare cells on the sample insurance book: payments aggregated per policy,
// joined to the policies, a derived column, a Profile of the result, CSV
// export, reuse of stored results after a reload, and a hostile expression
// refused without harm to other cells. Expected counts are tallied here from
// the same generated book (engine/data/sample/insurance.ts), not by the
// Prepare engine.
import { readFileSync } from 'node:fs';
import { cells, expect, openApp, settled, test } from './fixtures';
import { generateInsuranceBook } from '../src/lib/engine/data/sample/insurance';

const book = generateInsuranceBook();
const policyColumns = book.policies.columns.map((c) => c.name);
const policiesWithPayments = (() => {
  const ids = book.payments.columns.find((c) => c.name === 'policy_id')!;
  if (ids.kind !== 'string') throw new Error('policy_id is not a string column');
  return new Set(ids.codes).size;
})();
const n = (x: number) => x.toLocaleString('en-US');

test('aggregate, join, derive, profile and export a prepared dataset', async ({ page }) => {
  await openApp(page);

  // [4] the payments log in its own Data cell.
  await page.getByRole('button', { name: '+ Data' }).click();
  await cells(page)
    .nth(3)
    .getByTestId('dataset-select')
    .selectOption({ label: 'insurance_payments' });
  await settled(page);

  // [5] payments per policy: count and total paid.
  await page.getByRole('button', { name: '+ Prepare' }).click();
  const agg = cells(page).nth(4);
  await expect(agg.getByTestId('input-select')).toHaveValue(/.+/);
  await agg.getByTestId('prepare-op').selectOption('aggregate');
  await agg.getByTestId('prepare-key').selectOption('policy_id');
  const measures = agg.getByTestId('prepare-measure');
  await measures.nth(0).getByTestId('prepare-measure-column').selectOption('amount');
  await measures.nth(0).getByTestId('prepare-measure-name').fill('payments');
  await measures.nth(0).getByTestId('prepare-measure-name').blur();
  await agg.getByTestId('prepare-add-measure').click();
  await measures.nth(1).getByTestId('prepare-measure-column').selectOption('amount');
  await measures.nth(1).getByTestId('prepare-measure-name').fill('paid');
  await measures.nth(1).getByTestId('prepare-measure-name').blur();
  await expect(agg.getByTestId('prepare-summary')).toContainText(
    `${n(policiesWithPayments)} rows × 3 columns`,
  );
  await expect(agg.getByTestId('prepare-preview').locator('thead th')).toContainText([
    'policy_id',
    'payments',
    'paid',
  ]);

  // [6] every policy with its payment summary.
  await page.getByRole('button', { name: '+ Prepare' }).click();
  const join = cells(page).nth(5);
  await join.getByTestId('input-select').selectOption({ label: '[1] Data: insurance_policies' });
  await join.getByTestId('prepare-op').selectOption('join');
  await join
    .getByTestId('prepare-right')
    .selectOption({ label: '[5] Prepare: insurance_payments_aggregate' });
  await join.getByTestId('prepare-left-key').selectOption('policy_id');
  await expect(join.getByTestId('prepare-right-key')).toHaveValue('policy_id');
  await expect(join.getByTestId('prepare-summary')).toContainText(
    `${n(book.policies.rowCount)} rows × ${policyColumns.length + 2} columns`,
  );
  await expect(join.locator('[data-key="unmatchedLeft"]')).toContainText(
    n(book.policies.rowCount - policiesWithPayments),
  );

  // [7] a derived column, reading the join (the nearest cell above).
  await page.getByRole('button', { name: '+ Prepare' }).click();
  const derive = cells(page).nth(6);
  await derive.getByTestId('prepare-op').selectOption('derive');
  await derive.getByTestId('prepare-name').fill('monthly_premium');
  await derive.getByTestId('prepare-name').blur();
  await derive.getByTestId('prepare-expression').fill('d => d.annual_premium / 12');
  await derive.getByTestId('prepare-expression').blur();
  await expect(derive.getByTestId('prepare-summary')).toContainText(
    `${n(book.policies.rowCount)} rows × ${policyColumns.length + 3} columns`,
  );

  // [8] a Profile of the result.
  await page.getByRole('button', { name: '+ Profile' }).click();
  const profile = cells(page).nth(7);
  await expect(profile.locator('tr[data-column="monthly_premium"]')).toBeVisible();
  await expect(profile.locator('tr[data-column="paid"]')).toBeVisible();

  // Export CSV: the header names every column, one line per row.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    derive.getByTestId('export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toBe('insurance_policies_join_derive.csv');
  const text = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\r\n');
  expect(lines[0]).toBe([...policyColumns, 'payments', 'paid', 'monthly_premium'].join(','));
  expect(lines).toHaveLength(book.policies.rowCount + 2);

  // After a reload the stored results are reused, not recomputed.
  await page.reload();
  await settled(page);
  for (const cell of [agg, join, derive])
    await expect(cell.getByTestId('prepare-summary')).toContainText('stored result reused');
  await expect(profile.locator('tr[data-column="monthly_premium"]')).toBeVisible();

  // A hostile expression: a clear error on that cell; the cell reading it waits; others stay.
  await derive.getByTestId('prepare-expression').fill("d => fetch('x')");
  await derive.getByTestId('prepare-expression').blur();
  await expect(derive.getByTestId('cell-error')).toContainText('The expression cannot be used');
  await expect(derive).toHaveAttribute('data-status', 'error');
  await expect(profile).toHaveAttribute('data-status', 'waiting');
  await expect(cells(page)).toHaveCount(8);
  for (const cell of [agg, join]) await expect(cell).toHaveAttribute('data-status', 'done');
  await expect(join.getByTestId('prepare-summary')).toBeVisible();
});
