import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { RUN_CODE_PLACEHOLDER, runCode, withRunCode } from './codes.ts';

test('a run code is XXXXX-XXXXX in Crockford base32, the same for the same run (whatever the id case) and different across runs', () => {
  const id = randomUUID();
  assert.match(runCode(id), /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  assert.equal(runCode(id), runCode(id.toUpperCase()));
  const codes = new Set(Array.from({ length: 10_000 }, () => runCode(randomUUID())));
  assert.equal(codes.size, 10_000, '50 bits: no collision among ten thousand runs');
});

test('the placeholder, and only the exact placeholder, becomes the run code', () => {
  const id = randomUUID();
  assert.deepEqual(withRunCode({ last_gift_code: RUN_CODE_PLACEHOLDER, note: `code: ${RUN_CODE_PLACEHOLDER}`, percent: 10, nothing: null }, id), {
    last_gift_code: runCode(id),
    note: `code: ${RUN_CODE_PLACEHOLDER}`,
    percent: 10,
    nothing: null,
  });
});
