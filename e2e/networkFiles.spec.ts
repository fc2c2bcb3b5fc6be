// A trained network leaves the app and comes back: a small network trained on
// the sample book → exported as this app's JSON and as TF.js Layers format
// (model.json naming its weights file as downloaded) → read by a Model file
// cell from either, the Layers pair picked together → a Score cell scoring
// the book with it; a model.json picked without its weights gets its message.
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

const FEATURES = ['age', 'channel', 'late_payments_12m', 'claim_denied'];

/** A download as a file for setInputFiles: its suggested name and its bytes. */
async function asFile(download: Download) {
  const name = download.suggestedFilename();
  const buffer = readFileSync((await download.path())!);
  return {
    name,
    mimeType: name.endsWith('.bin') ? 'application/octet-stream' : 'application/json',
    buffer,
  };
}

/** Every download `action` starts, once `count` have started. */
async function downloads(page: Page, count: number, action: () => Promise<void>) {
  const started: Download[] = [];
  const listener = (d: Download) => void started.push(d);
  page.on('download', listener);
  await action();
  await expect.poll(() => started.length).toBe(count);
  page.off('download', listener);
  return Promise.all(started.map(asFile));
}

test('a network exported as JSON and as TF.js Layers is read back by a Model file cell and scores the book', async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole('button', { name: '+ Neural network' }).click();
  const network = cellOfKind(page, 'network');
  await network.getByTestId('target-select').selectOption('lapsed');
  await network.getByTestId('positive-select').selectOption('true');
  const list = network.getByTestId('features');
  for (const name of FEATURES) await list.getByLabel(name, { exact: true }).check();
  await network.getByTestId('network-epochs').fill('3');
  await network.getByTestId('network-epochs').press('Enter');
  // A plain DOM click, as e2e/networks.spec.ts presses Run.
  await page.evaluate(() =>
    document
      .querySelector<HTMLButtonElement>('[data-kind="network"] [data-testid="run-cell"]')!
      .click(),
  );
  await expect(network.getByTestId('training-result')).toBeVisible({ timeout: 60_000 });
  await settled(page);

  const [json] = await downloads(page, 1, () => network.getByTestId('export-network-json').click());
  expect(json.name).toMatch(/-network-lapsed\.json$/);
  expect(JSON.parse(json.buffer.toString('utf8'))).toMatchObject({
    format: 'lifecycle-lab.network',
  });
  const layers = await downloads(page, 2, () =>
    network.getByTestId('export-network-layers').click(),
  );
  const modelJson = layers.find((f) => f.name.endsWith('-model.json'))!;
  const weights = layers.find((f) => f.name.endsWith('-weights.bin'))!;
  expect(modelJson.name).toMatch(/-network-lapsed-model\.json$/);
  // TF.js fetches the weights by the name model.json gives them: the name they were saved under.
  const manifest = JSON.parse(modelJson.buffer.toString('utf8')).weightsManifest;
  expect(manifest[0].paths).toEqual([weights.name]);
  expect(weights.buffer.length).toBeGreaterThan(0);

  // The JSON file read back: the network's layers, then the book scored with it.
  await page.getByRole('button', { name: '+ Model file' }).click();
  const file = cellOfKind(page, 'model-file');
  await file.getByTestId('model-file-input').setInputFiles(json);
  await expect(file.getByTestId('model-file-summary')).toContainText(
    'JSON network of lapsed = true',
  );
  await expect(file.getByTestId('model-file-layers')).toContainText('Layer 1');
  await expect(file.getByTestId('model-file-layers')).toContainText('relu');
  await expect(file.getByTestId('model-file-coefficients')).toHaveCount(0);
  await page.getByRole('button', { name: '+ Score' }).click();
  const score = cellOfKind(page, 'score');
  await settled(page);
  await expect(score.getByTestId('score-summary')).toContainText('Scored 5,000 of 5,000 rows');

  // The TF.js pair, picked together, in the same cell: the Score cell scores with it.
  await file.getByTestId('model-file-input').setInputFiles([modelJson, weights]);
  await expect(file.getByTestId('model-file-summary')).toContainText(
    'TF.js Layers network of lapsed = true',
  );
  await settled(page);
  await expect(score).toHaveAttribute('data-status', 'done');
  await expect(score.getByTestId('score-summary')).toContainText('Scored 5,000 of 5,000 rows');

  // model.json alone: the cell says to pick its weights with it.
  await page.getByRole('button', { name: '+ Model file' }).click();
  const alone = cellOfKind(page, 'model-file', 1);
  await alone.getByTestId('model-file-input').setInputFiles(modelJson);
  await expect(alone.getByTestId('cell-error')).toContainText('without its weights');
});
