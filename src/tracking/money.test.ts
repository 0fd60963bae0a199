import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toMajor, toMinor } from './money.ts';

test('given tomans in any spelling, then they are stored as rials (×10)', () => {
  for (const cur of ['IRT', 'toman', 'تومان']) assert.deepEqual(toMinor(150000, cur), { ok: true, value: { currency: 'IRR', minor: 1_500_000 } });
  assert.deepEqual(toMinor('۱۵۰٬۰۰۰', 'IRR'), { ok: true, value: { currency: 'IRR', minor: 150_000 } });
});

test('given ISO currencies, then their exponent decides the minor unit', () => {
  assert.deepEqual(toMinor(19.99, 'usd'), { ok: true, value: { currency: 'USD', minor: 1999 } });
  assert.deepEqual(toMinor(500, 'JPY'), { ok: true, value: { currency: 'JPY', minor: 500 } });
  assert.deepEqual(toMinor('1.234', 'KWD'), { ok: true, value: { currency: 'KWD', minor: 1234 } });
  assert.equal(toMajor(1999, 'USD'), 19.99);
});

test('given nonsense, then an error says why', () => {
  assert.equal(toMinor('abc', 'USD').ok, false);
  assert.equal(toMinor(10, 'dollars').ok, false);
});
