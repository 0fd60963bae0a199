import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arabicDigits, dayOf, gregorian, jalali, money, persianDigits, toman } from './filters.ts';
import { smsSize } from './sms.ts';

test('given a Gregorian day, when formatted with jalali, then it is the Jalali day with Persian month name and digits', () => {
  assert.equal(jalali('2023-10-07'), '۱۵ مهر ۱۴۰۲');
  assert.equal(jalali('2023-10-07', 'YYYY/MM/DD'), '۱۴۰۲/۰۷/۱۵');
  assert.equal(jalali('2023-10-07', 'dddd D MMMM', 'latin'), 'شنبه 15 مهر');
  assert.equal(jalali('2024-03-20', 'YYYY/M/D', 'latin'), '1403/1/1'); // Nowruz 1403
  assert.equal(jalali('2025-03-20', 'YYYY/M/D', 'latin'), '1403/12/30'); // 1403 is a leap year
});

test('given an instant near midnight, when formatted with jalali, then the day is the one in the time zone', () => {
  // 22:00 UTC on 20 March 2026 is 01:30 on 21 March in Tehran: Nowruz 1405.
  assert.equal(jalali('2026-03-20T22:00:00Z', 'YYYY/MM/DD', 'latin', 'Asia/Tehran'), '1405/01/01');
  assert.equal(jalali('2026-03-20T22:00:00Z', 'YYYY/MM/DD', 'latin', 'UTC'), '1404/12/29');
  assert.deepEqual(dayOf(1_700_000_000, 'UTC'), { year: 2023, month: 11, day: 14 });
});

test('given something that is not a date, when formatted, then the result is empty so that default can apply', () => {
  for (const v of [undefined, null, '', 'soon', '2023-13-45', {}]) {
    assert.equal(jalali(v), '', String(v));
    assert.equal(gregorian(v), '', String(v));
  }
});

test('given a Gregorian format and a language, then month names and digits follow the language', () => {
  assert.equal(gregorian('2023-10-07'), '7 October 2023');
  assert.equal(gregorian('2023-10-07', 'YYYY-MM-DD', 'fa'), '۲۰۲۳-۱۰-۰۷');
  assert.equal(gregorian('2023-10-07', 'D', 'ar'), '٧');
});

test('given digits, then persian_digits and arabic_digits convert every ASCII digit and keep the rest', () => {
  assert.equal(persianDigits('Order #1402-09'), 'Order #۱۴۰۲-۰۹');
  assert.equal(arabicDigits(2026), '٢٠٢٦');
  assert.equal(persianDigits(undefined), '');
});

test('given integer rials, when formatted as toman, then it is a tenth, grouped, in Persian digits', () => {
  assert.equal(toman(1_250_000), '۱۲۵٬۰۰۰ تومان');
  assert.equal(toman('15000000'), '۱٬۵۰۰٬۰۰۰ تومان');
  assert.equal(toman(15), '۲ تومان'); // 1.5 toman rounds
  assert.equal(toman(0), '۰ تومان');
  assert.equal(toman('n/a'), '');
});

test('given an amount and a currency, when formatted as money, then the locale decides symbol and digits', () => {
  assert.equal(money(12.5, 'USD', 'en'), '$12.50');
  assert.match(money(12.5, 'EUR', 'fa'), /۱۲٫۵۰/);
  assert.equal(money('x', 'USD'), '');
});

test('given SMS texts, then segments follow GSM-7 160/153 and UCS-2 70/67', () => {
  assert.deepEqual(smsSize('a'.repeat(160)), { encoding: 'gsm7', units: 160, segments: 1 });
  assert.deepEqual(smsSize('a'.repeat(161)), { encoding: 'gsm7', units: 161, segments: 2 });
  assert.deepEqual(smsSize('€'.repeat(80)), { encoding: 'gsm7', units: 160, segments: 1 });
  assert.deepEqual(smsSize('س'.repeat(70)), { encoding: 'ucs2', units: 70, segments: 1 });
  assert.deepEqual(smsSize('س'.repeat(71)), { encoding: 'ucs2', units: 71, segments: 2 });
  assert.deepEqual(smsSize('س'.repeat(135)), { encoding: 'ucs2', units: 135, segments: 3 });
  assert.equal(smsSize(`${'a'.repeat(100)}س`).encoding, 'ucs2');
});
