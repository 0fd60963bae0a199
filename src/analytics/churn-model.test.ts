import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createTestApp } from '../testing/harness.ts';
import { churnLabel } from './snapshot/churn.ts';
import { refresh } from './testing.ts';

const t = await createTestApp();
const telco = path.join(t.config.referenceDataDir, 'telco', 'Telco-Customer-Churn.csv');

const numeric = new Set(['tenure', 'MonthlyCharges', 'TotalCharges']);

test(
  'given the IBM Telco customers imported with their attributes, when the workspace names "Churn" as its label, then the 10-fold AUC is at least 0.84 and every customer gets P(churn)',
  { skip: existsSync(telco) ? false : `Telco data not found under ${path.dirname(telco)} (../shared/data is absent)` },
  async () => {
    const ws = await t.workspace();
    const [header, ...lines] = readFileSync(telco, 'utf8').trim().split('\n');
    const columns = (header as string).split(',');
    const features = columns.filter((c) => c !== 'customerID');
    for (const key of features) {
      const type = numeric.has(key) ? 'number' : 'string';
      const res = await ws.api.post('/api/v1/attribute-definitions', { key, label: key, type });
      assert.equal(res.statusCode, 201, res.body);
    }
    const customers = lines.map((line) => {
      const cells = line.split(',');
      const attributes: Record<string, unknown> = {};
      columns.forEach((c, i) => {
        if (c === 'customerID') return;
        const v = (cells[i] ?? '').trim();
        // TotalCharges is blank for the 11 customers in their first month: 0, as the reference does.
        attributes[c] = numeric.has(c) ? Number(v || 0) : c === 'SeniorCitizen' ? (v === '1' ? 'Yes' : 'No') : v;
      });
      return { externalId: cells[0], attributes };
    });
    for (let i = 0; i < customers.length; i += 1000) {
      const res = await ws.api.post('/api/v1/customers/bulk', { customers: customers.slice(i, i + 1000) });
      assert.equal(res.statusCode, 201, res.body.slice(0, 500));
    }
    assert.equal((await ws.api.patch('/api/v1/analytics/settings', { churnLabelAttribute: 'Churn' })).statusCode, 200);
    const stats = await refresh(t.db, ws.id);
    assert.equal(stats.churnModel, 'logistic regression');
    const models = (await ws.api.get('/api/v1/analytics/models')).json();
    assert.ok(models.churn, JSON.stringify(models.reasons));
    assert.equal(models.churn.rows, 7043);
    assert.equal(models.churn.positives, 1869);
    assert.equal(models.churn.folds, 10);
    assert.ok(models.churn.auc >= 0.84, `10-fold AUC ${models.churn.auc} ± ${models.churn.aucSd}`);
    assert.ok(models.churn.coefficients.some((c: { feature: string }) => c.feature.includes('Contract')));
    const scored = await t.db.selectFrom('analytics_churn_scores').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow();
    assert.equal(Number(scored.n), 7043);
  },
);

test('given label values in any of our languages, then they read as churned or not, and anything else as unknown', () => {
  for (const yes of [true, 1, 'Yes', 'TRUE', 'بله', 'نعم']) assert.equal(churnLabel(yes), 1, String(yes));
  for (const no of [false, 0, 'No', 'false', 'خیر', 'لا']) assert.equal(churnLabel(no), 0, String(no));
  for (const unknown of [null, undefined, 'maybe', 2, {}]) assert.equal(churnLabel(unknown), null, String(unknown));
});

test('given too few labelled customers, then the models page says why and nothing is scored', async () => {
  const ws = await t.workspace();
  await ws.api.post('/api/v1/attribute-definitions', { key: 'churned', label: 'Churned', type: 'boolean' });
  await ws.api.post('/api/v1/customers', { firstName: 'Only', attributes: { churned: true } });
  await ws.api.patch('/api/v1/analytics/settings', { churnLabelAttribute: 'churned' });
  await refresh(t.db, ws.id);
  const models = (await ws.api.get('/api/v1/analytics/models')).json();
  assert.equal(models.churn, null);
  assert.match(models.reasons.join(' '), /only 1 customers carry the "churned" attribute/);
});
