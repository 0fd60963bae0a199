import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SendQueue } from './send-queue.ts';

test('takers get items in order, wait for pushes, and stop once the queue is closed and empty', async () => {
  const queue = new SendQueue<number>();
  queue.push([1, 2]);
  assert.equal(await queue.take(), 1);
  assert.equal(await queue.take(), 2);
  const waiting = queue.take();
  queue.push([3]);
  assert.equal(await waiting, 3);
  const last = queue.take();
  queue.close();
  assert.equal(await last, undefined);
  assert.equal(await queue.take(), undefined);
});

test('the producer waits while a chunk is still queued and resumes as the lanes take from it', async () => {
  const queue = new SendQueue<number>();
  queue.push([1, 2, 3]);
  let roomAt: number | undefined;
  const room = queue.waitBelow(2).then(() => {
    roomAt = queue.size;
  });
  await queue.take();
  await Promise.resolve();
  assert.equal(roomAt, undefined, 'two still queued');
  await queue.take();
  await room;
  assert.equal(roomAt, 1);
});

test('with a weight, size and back-pressure count what the items carry (a unit of sends counts its messages)', async () => {
  const queue = new SendQueue<string[]>((unit) => unit.length);
  queue.push([['a', 'b', 'c'], ['d']]);
  assert.equal(queue.size, 4);
  let room = false;
  const waiting = queue.waitBelow(2).then(() => {
    room = true;
  });
  assert.deepEqual(await queue.take(), ['a', 'b', 'c']);
  await waiting;
  assert.equal(room, true);
  assert.equal(queue.size, 1);
});
