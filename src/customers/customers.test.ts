import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp, type TestApp, type TestWorkspace } from '../testing/harness.ts';

const t: TestApp = await createTestApp();
const ws: TestWorkspace = await t.workspace();

describe('customers: create and read', () => {
  test('given Iranian phone forms, when a customer is created, then phones are stored in E.164 and emails lower-cased', async () => {
    const res = await ws.api.post('/api/v1/customers', {
      firstName: 'علی',
      lastName: 'کریمی',
      emails: ['Ali.Karimi@Example.com'],
      phones: ['۰۹۱۲۱۲۳۴۵۶۷', '0098 935 111 2233'],
      birthday: '1990-03-21',
      interests: ['running'],
    });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json();
    assert.deepEqual(c.phones, ['+989121234567', '+989351112233']);
    assert.deepEqual(c.emails, ['ali.karimi@example.com']);
    assert.equal(c.displayName, 'علی کریمی');
    const got = await ws.api.get(`/api/v1/customers/${c.id}`);
    assert.equal(got.json().birthday, '1990-03-21');
  });
});
