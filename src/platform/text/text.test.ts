import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { searchKey, toLatinDigits, toPersianDigits } from './normalize.ts';
import { phoneQueryDigits, phoneSearchForms, toE164 } from './phone.ts';

describe('searchKey', () => {
  test('Arabic yeh and kaf match their Persian forms', () => {
    assert.equal(searchKey('علي كريمي'), searchKey('علی کریمی'));
  });
  test('ZWNJ, diacritics and extra spaces are ignored', () => {
    assert.equal(searchKey('علی‌رضا'), searchKey('علیرضا'));
    assert.equal(searchKey('مُحَمَّد   '), 'محمد');
  });
  test('digits in any script become ASCII and Latin text is lower-cased', () => {
    assert.equal(searchKey('Shop ۱۲۳ ٤٥'), 'shop 123 45');
  });
});

describe('digits', () => {
  test('round trip between Persian and Latin digits', () => {
    assert.equal(toLatinDigits('۰۹۱۲٣'), '09123');
    assert.equal(toPersianDigits('1405'), '۱۴۰۵');
  });
});

describe('toE164', () => {
  const forms = ['09121234567', '۰۹۱۲۱۲۳۴۵۶۷', '٠٩١٢١٢٣٤٥٦٧', '00989121234567', '+98 912 123 4567', '9121234567', '0912-123-4567'];
  for (const form of forms) {
    test(`Iranian form ${form} → +989121234567`, () => {
      assert.deepEqual(toE164(form), { ok: true, value: '+989121234567' });
    });
  }
  test('a foreign number keeps its country', () => {
    assert.deepEqual(toE164('+44 20 7946 0958'), { ok: true, value: '+442079460958' });
  });
  test('garbage is rejected with a reason', () => {
    assert.equal(toE164('hello').ok, false);
    assert.equal(toE164('0912').ok, false);
  });
  test('search forms and query digits meet', () => {
    assert.deepEqual(phoneSearchForms('+989121234567'), ['989121234567', '09121234567']);
    assert.equal(phoneQueryDigits('۰۹۱۲ ۱۲۳ ۴۵۶۷'), '989121234567');
    assert.equal(phoneQueryDigits('4567'), '4567');
    assert.equal(phoneQueryDigits('Ali'), undefined);
  });
});
