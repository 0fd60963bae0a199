import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../platform/errors.ts';
import { applyMapChanges, checkMapping, parseMapFlag, suggestMapping } from './fields.ts';

const fields = (m: Record<string, { field: string }>) => Object.fromEntries(Object.entries(m).map(([c, v]) => [c, v.field]));

function refused(work: () => void, field: string | RegExp) {
  try {
    work();
  } catch (e) {
    assert.ok(e instanceof AppError && e.code === 'INVALID_INPUT', String(e));
    if (typeof field === 'string') assert.equal(e.field, field);
    else assert.match(e.message, field);
    return;
  }
  assert.fail('expected INVALID_INPUT');
}

describe('mapping: suggestions from header names', () => {
  test('given Persian headers (with Arabic ي/ك and ZWNJ variants), then customer fields are suggested', () => {
    const header = ['کد مشتری', 'نام', 'نام‌ خانوادگي', 'موبایل', 'ایمیل', 'تاریخ تولد', 'شهر', 'جنسیت', 'برچسب', 'یادداشت'];
    assert.deepEqual(fields(suggestMapping('customers', header)), {
      'کد مشتری': 'externalId',
      'نام': 'firstName',
      'نام‌ خانوادگي': 'lastName',
      'موبایل': 'phone',
      'ایمیل': 'email',
      'تاریخ تولد': 'birthday',
      'شهر': 'city',
      'جنسیت': 'gender',
      'برچسب': 'tags',
    });
  });

  test('given English and Arabic headers, then they are recognised too, and attribute:<key> columns map to custom attributes', () => {
    assert.deepEqual(fields(suggestMapping('customers', ['Customer ID', 'First_Name', 'Last Name', 'E-mail', 'Mobile', 'Phone', 'attribute:tier'])), {
      'Customer ID': 'externalId',
      First_Name: 'firstName',
      'Last Name': 'lastName',
      'E-mail': 'email',
      Mobile: 'phone',
      Phone: 'phone',
      'attribute:tier': 'attribute:tier',
    });
    assert.deepEqual(fields(suggestMapping('customers', ['الاسم', 'الجوال', 'البريد الإلكتروني', 'المدينة'])), {
      'الاسم': 'name',
      'الجوال': 'phone',
      'البريد الإلكتروني': 'email',
      'المدينة': 'city',
    });
  });

  test('given an orders export, then order, customer, money and line columns are suggested; a field is suggested once', () => {
    const header = ['شماره سفارش', 'کد مشتری', 'تاریخ', 'مبلغ', 'واحد پول', 'وضعیت', 'کد کالا', 'نام کالا', 'تعداد', 'قیمت', 'Date'];
    assert.deepEqual(fields(suggestMapping('orders', header)), {
      'شماره سفارش': 'orderId',
      'کد مشتری': 'customerExternalId',
      'تاریخ': 'placedAt',
      'مبلغ': 'total',
      'واحد پول': 'currency',
      'وضعیت': 'status',
      'کد کالا': 'productId',
      'نام کالا': 'productName',
      'تعداد': 'quantity',
      'قیمت': 'price',
    });
  });
});

describe('mapping: the --map flag and checks', () => {
  test('given --map with date formats, ignored columns and attributes, then it changes the suggestion', () => {
    const changes = parseMapFlag('Mobile=phone, تاریخ=placedAt:jalali,Notes=-,Tier=attribute:tier');
    assert.deepEqual(changes, { Mobile: { field: 'phone' }, 'تاریخ': { field: 'placedAt', dateFormat: 'jalali' }, Notes: null, Tier: { field: 'attribute:tier' } });
    const base = suggestMapping('orders', ['id', 'Date', 'تاریخ', 'Notes']);
    const mapped = applyMapChanges(base, { 'تاریخ': { field: 'placedAt', dateFormat: 'jalali' } });
    assert.deepEqual(mapped, { 'تاریخ': { field: 'placedAt', dateFormat: 'jalali' } }, 'the column the suggestion gave placedAt lets it go');
    refused(() => parseMapFlag('nofield'), '--map');
    refused(() => parseMapFlag('a=placedAt:yesterday'), '--map');
  });

  test('given mappings that cannot work, then the check names the column or what is missing', () => {
    const header = ['order', 'date', 'sum', 'who'];
    refused(() => checkMapping('orders', { nope: { field: 'orderId' } }, header), 'mapping.nope');
    refused(() => checkMapping('orders', { order: { field: 'colour' } }, header), 'mapping.order');
    refused(() => checkMapping('orders', { order: { field: 'orderId' }, date: { field: 'orderId' } }, header), 'mapping.date');
    refused(() => checkMapping('orders', { order: { field: 'orderId' }, date: { field: 'placedAt' }, sum: { field: 'total' } }, header), /customerExternalId, email or phone/);
    refused(() => checkMapping('customers', { who: { field: 'city' } }, header), /at least one/);
    checkMapping('orders', { order: { field: 'orderId' }, date: { field: 'placedAt' }, sum: { field: 'total' }, who: { field: 'customerExternalId' } }, header);
  });
});
