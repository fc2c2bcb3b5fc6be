// k-means and silhouette against scikit-learn 1.2.1 and R cluster 2.1.4.
// References: tests/fixtures/kmeans/kmeans-reference.json, written by
// make-kmeans.py (KMeans(init=<rows>, n_init=1, algorithm='lloyd', tol,
// max_iter).fit(X) and silhouette_score(X, km.labels_), each case's `call`),
// and silhouette-reference.json, written by make-silhouette.R
// (summary(cluster::silhouette(labels, dist(X)))$avg.width on the same labels).
// The datasets are stedy's insurance and IBM's Telco churn (see
// tests/fixtures/datasets/SOURCES.md).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { Random } from '../../../src/lib/engine/data/random';
import { featureMatrix, kmeans, type FeatureMatrix } from '../../../src/lib/engine/models/kmeans';
import { sampleRows, silhouetteScores } from '../../../src/lib/engine/models/silhouette';
import { readDataset } from '../datasets';

interface Case {
  name: string;
  data: 'insurance' | 'telco';
  rows: (number | 'far')[];
  tol: number;
  max_iter: number;
  call: string;
  centres: number[][];
  inertia: number;
  n_iter: number;
  labels: string;
  silhouette: number;
}
interface Reference {
  datasets: Record<
    string,
    {
      file: string;
      features: string[];
      columns: string[];
      rows: number;
      mean: number[];
      scale: number[];
      first_row: number[];
    }
  >;
  cases: Case[];
}
const read = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/kmeans/${file}`, import.meta.url), 'utf8'));
const REF: Reference = read('kmeans-reference.json');
const R_REF: { cases: { name: string; avg_width: string }[] } = read('silhouette-reference.json');

const matrices = new Map<string, FeatureMatrix>();
const tables = new Map<string, DataTable>();
beforeAll(async () => {
  for (const [key, spec] of Object.entries(REF.datasets)) {
    const table = await readDataset(spec.file);
    tables.set(key, table);
    matrices.set(key, featureMatrix(table, spec.features));
  }
}, 60_000);

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-9) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(expected[i])),
    );
  }
}

describe('featureMatrix', () => {
  it('standardises as StandardScaler: population SD, one column per level in code-point order', () => {
    for (const [key, spec] of Object.entries(REF.datasets)) {
      const m = matrices.get(key)!;
      expect(
        m.columns.map((c) => (c.level === null ? c.feature : `${c.feature}=${c.level}`)),
      ).toEqual(spec.columns);
      expect(m.rows).toBe(spec.rows);
      // StandardScaler().fit(raw).mean_ / .scale_ and .transform(raw)[0] (make-kmeans.py).
      close(m.means, spec.mean, 1e-12);
      close(m.sds, spec.scale, 1e-12);
      close(m.data.subarray(0, m.cols), spec.first_row, 1e-12);
    }
  });

  it('leaves out rows with a missing feature and counts them', () => {
    // Telco: 11 blank TotalCharges (SOURCES.md); pandas' dropna leaves 7032 rows.
    const m = matrices.get('telco')!;
    expect(m.excluded).toBe(11);
    expect(m.tableRows.length).toBe(7032);
  });

  it('refuses a constant feature by name, and no features', () => {
    const table: DataTable = {
      rowCount: 3,
      columns: [
        { kind: 'number', name: 'x', type: 'decimal', values: Float64Array.of(1, 2, 3) },
        { kind: 'number', name: 'same', type: 'integer', values: Float64Array.of(4, 4, 4) },
        {
          kind: 'string',
          name: 'one',
          type: 'categorical',
          codes: Int32Array.of(0, 0, 0),
          dictionary: ['a'],
        },
      ],
    };
    expect(() => featureMatrix(table, ['x', 'same'])).toThrow(
      new EngineError('personas.constant-feature', { column: 'same' }),
    );
    expect(() => featureMatrix(table, ['x', 'one'])).toThrow(
      new EngineError('personas.constant-feature', { column: 'one = a' }),
    );
    expect(() => featureMatrix(table, [])).toThrow(new EngineError('personas.no-features'));
  });
});

describe('kmeans from given centres', () => {
  for (const c of REF.cases) {
    it(`${c.name}: centres, inertia, labels and n_iter equal sklearn's to 1e-9`, async () => {
      const m = matrices.get(c.data)!;
      const init = new Float64Array(c.rows.length * m.cols);
      c.rows.forEach((r, i) =>
        r === 'far'
          ? init.fill(50, i * m.cols, (i + 1) * m.cols)
          : init.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols),
      );
      const fit = await kmeans(m.data, m.rows, m.cols, {
        k: c.rows.length,
        initialCentres: init,
        tol: c.tol,
        maxIter: c.max_iter,
      });
      // c.call: KMeans(...).fit(X).cluster_centers_, .inertia_, .labels_, .n_iter_
      close(fit.centres, c.centres.flat());
      expect(Math.abs(fit.inertia - c.inertia)).toBeLessThanOrEqual(1e-9 * c.inertia);
      expect(Array.from(fit.labels).join('')).toBe(c.labels);
      expect(fit.iterations).toBe(c.n_iter);

      const { scores, sampled, rows } = await silhouetteScores(m.data, m.rows, m.cols, [
        { labels: fit.labels, k: fit.k },
      ]);
      expect(sampled).toBe(false);
      expect(rows).toBe(m.rows);
      // silhouette_score(X, km.labels_) (make-kmeans.py)
      expect(Math.abs(scores[0]! - c.silhouette)).toBeLessThanOrEqual(1e-9);
      // summary(cluster::silhouette(labels + 1, dist(X)))$avg.width (make-silhouette.R)
      const r = R_REF.cases.find((x) => x.name === c.name)!;
      expect(Math.abs(scores[0]! - Number(r.avg_width))).toBeLessThanOrEqual(1e-9);
    });
  }
});

describe('kmeans++ with restarts', () => {
  it('is reproducible from its seed and keeps the least inertia of its restarts', async () => {
    const m = matrices.get('insurance')!;
    const one = await kmeans(m.data, m.rows, m.cols, { k: 4, restarts: 5, seed: 7 });
    const again = await kmeans(m.data, m.rows, m.cols, { k: 4, restarts: 5, seed: 7 });
    expect(Array.from(again.centres)).toEqual(Array.from(one.centres));
    expect(again.inertia).toBe(one.inertia);
    // A single restart is one of the five (the same derived stream for restart 0).
    const first = await kmeans(m.data, m.rows, m.cols, { k: 4, restarts: 1, seed: 7 });
    expect(one.inertia).toBeLessThanOrEqual(first.inertia);
    // Better than the fit from the first four rows (kmeans-reference.json, case "insurance k=4").
    expect(one.inertia).toBeLessThanOrEqual(REF.cases[0].inertia + 1e-9);
  });

  it('refuses k larger than the number of distinct rows', async () => {
    const x = Float64Array.of(0, 0, 1, 1, 0, 0, 1, 1, 0, 0);
    await expect(kmeans(x, 5, 2, { k: 3 })).rejects.toThrow(
      new EngineError('personas.k-too-large', { k: 3, distinct: 2 }),
    );
  });
});

describe('silhouette', () => {
  it('scores several labellings at once as it scores each alone', async () => {
    const m = matrices.get('insurance')!;
    const a = await kmeans(m.data, m.rows, m.cols, { k: 2, restarts: 2, seed: 1 });
    const b = await kmeans(m.data, m.rows, m.cols, { k: 5, restarts: 2, seed: 1 });
    const both = await silhouetteScores(m.data, m.rows, m.cols, [a, b]);
    const alone = await silhouetteScores(m.data, m.rows, m.cols, [b]);
    expect(both.scores[1]).toBe(alone.scores[0]);
  });

  it('above maxRows, is the exact score of a seeded sample of that size, and says so', async () => {
    const m = matrices.get('telco')!;
    const fit = await kmeans(m.data, m.rows, m.cols, { k: 3, restarts: 1, seed: 3 });
    const result = await silhouetteScores(m.data, m.rows, m.cols, [fit], { maxRows: 500, seed: 9 });
    expect(result).toMatchObject({ rows: 500, sampled: true });
    const rows = sampleRows(m.rows, 500, new Random(9).derive('silhouette'));
    expect(new Set(rows).size).toBe(500);
    const x = new Float64Array(500 * m.cols);
    rows.forEach((r, i) => x.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
    const exact = await silhouetteScores(x, 500, m.cols, [
      { k: 3, labels: Int32Array.from(rows, (r) => fit.labels[r]) },
    ]);
    expect(result.scores[0]).toBe(exact.scores[0]);
  });
});
