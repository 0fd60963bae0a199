import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CsvParser } from '../../imports/csv.ts';
import { buildChurnModel, type FeatureSpec, scoreChurn } from './index.ts';

/**
 * The published baseline on IBM's Telco churn set (shared/data/REFERENCE.md): logistic regression
 * on the 19 features, one-hot categoricals, TotalCharges blank → 0, 10-fold CV ROC-AUC
 * 0.842 ± 0.012.
 */
const dataDir = process.env.VAFA_REFERENCE_DATA_DIR ?? path.join(import.meta.dirname, '../../../../shared/data');
const file = path.join(dataDir, 'telco', 'Telco-Customer-Churn.csv');
const exists = fs.existsSync(file);

const telcoSpec: FeatureSpec = [
  { name: 'gender', kind: 'categorical' },
  { name: 'SeniorCitizen', kind: 'boolean' },
  { name: 'Partner', kind: 'boolean' },
  { name: 'Dependents', kind: 'boolean' },
  { name: 'tenure', kind: 'numeric' },
  { name: 'PhoneService', kind: 'boolean' },
  { name: 'MultipleLines', kind: 'categorical' },
  { name: 'InternetService', kind: 'categorical' },
  { name: 'OnlineSecurity', kind: 'categorical' },
  { name: 'OnlineBackup', kind: 'categorical' },
  { name: 'DeviceProtection', kind: 'categorical' },
  { name: 'TechSupport', kind: 'categorical' },
  { name: 'StreamingTV', kind: 'categorical' },
  { name: 'StreamingMovies', kind: 'categorical' },
  { name: 'Contract', kind: 'categorical' },
  { name: 'PaperlessBilling', kind: 'boolean' },
  { name: 'PaymentMethod', kind: 'categorical' },
  { name: 'MonthlyCharges', kind: 'numeric' },
  { name: 'TotalCharges', kind: 'numeric' },
];

function readTelco(): Record<string, string>[] {
  const parser = new CsvParser({ delimiter: ',' });
  const records = [...parser.push(fs.readFileSync(file)), ...parser.end()];
  const [header, ...body] = records.map((r) => r.cells);
  return body.map((cells) => {
    const row = Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? '']));
    // The 11 customers in their first month have TotalCharges " ": nothing charged yet.
    if (row['TotalCharges']!.trim() === '') row['TotalCharges'] = '0';
    return row;
  });
}

test(
  'given the Telco churn set, when logistic regression is 10-fold cross-validated, then ROC-AUC matches the published 0.842 baseline',
  { skip: exists ? false : `Telco data not found under ${dataDir} (../shared/data is absent)` },
  (t) => {
    const rows = readTelco();
    assert.equal(rows.length, 7043);
    const labels = rows.map((r) => r['Churn'] === 'Yes');
    const started = performance.now();
    const built = buildChurnModel(rows, labels, telcoSpec, { folds: 10, seed: 1 });
    const elapsed = performance.now() - started;
    assert.ok(built.ok, built.ok ? '' : built.reason);
    const { validation, model } = built;
    t.diagnostic(`telco 10-fold ROC-AUC ${validation.meanAuc.toFixed(4)} ± ${validation.sdAuc.toFixed(4)} (folds ${validation.folds.map((f) => f.auc.toFixed(3)).join(' ')}); 10 folds + final fit in ${elapsed.toFixed(0)} ms, ${model.iterations} Newton iterations`);
    assert.ok(validation.meanAuc >= 0.84, `mean AUC ${validation.meanAuc}`);
    assert.ok(validation.sdAuc < 0.03);
    assert.ok(validation.folds.every((f) => f.converged));
    assert.ok(model.converged && model.iterations <= 15);

    // 19 columns → 41 features: 5 yes/no columns, 3 numerics, 33 one-hot levels (gender among them).
    assert.equal(model.coefficients.length, 41);
    const weight = (feature: string) => model.coefficients.find((c) => c.feature === feature)!.weight;
    // Long contracts keep customers; the month-to-month one is where churn lives.
    assert.ok(weight('Contract=Two year') < weight('Contract=Month-to-month'));
    assert.ok(weight('tenure') < 0);

    // The stored model scores a new customer with the training encoding.
    const [risky, loyal] = scoreChurn(model, [
      { ...rows[0], tenure: '1', Contract: 'Month-to-month', InternetService: 'Fiber optic', PaymentMethod: 'Electronic check' },
      { ...rows[0], tenure: '70', Contract: 'Two year', InternetService: 'DSL', PaymentMethod: 'Credit card (automatic)', TotalCharges: '4000' },
    ]);
    assert.ok(risky! > 0.5 && loyal! < 0.1, `risky ${risky}, loyal ${loyal}`);
  },
);
