import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedBuffersMb } from './embedded.ts';

const GB = 2 ** 30;

test('given the machine memory, then the embedded cache is a quarter of it, never under PostgreSQL default nor over 4 GB', () => {
  assert.equal(sharedBuffersMb(0.25 * GB), 128);
  assert.equal(sharedBuffersMb(2 * GB), 512);
  assert.equal(sharedBuffersMb(8 * GB), 2048);
  assert.equal(sharedBuffersMb(24 * GB), 4096);
  assert.equal(sharedBuffersMb(256 * GB), 4096);
});
