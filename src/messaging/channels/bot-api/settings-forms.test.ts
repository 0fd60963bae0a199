import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { baleDriver } from '../bale/index.ts';
import { eitaaDriver } from '../eitaa/index.ts';
import { rubikaDriver } from '../rubika/index.ts';
import { telegramDriver } from '../telegram/index.ts';
import { whatsappDriver } from '../whatsapp/index.ts';

const messengers = [telegramDriver, baleDriver, whatsappDriver, eitaaDriver, rubikaDriver];

test('given each messenger driver, when its settings form is generated for the console, then every secret is a required string field and baseUrl is optional', () => {
  for (const driver of messengers) {
    const schema = z.toJSONSchema(driver.settings, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { type?: string }>; required?: string[] };
    for (const secret of driver.secrets) {
      assert.equal(schema.properties[secret]?.type, 'string', `${driver.provider}.${secret}`);
      assert.ok(schema.required?.includes(secret), `${driver.provider}.${secret} is required`);
    }
    assert.ok(schema.properties.baseUrl, `${driver.provider} accepts a baseUrl`);
    assert.ok(!schema.required?.includes('baseUrl'));
  }
});

test('given the five messenger drivers, then providers are unique and each kind matches its folder', () => {
  assert.deepEqual(
    messengers.map((d) => [d.provider, d.kind]),
    [
      ['telegram', 'telegram'],
      ['bale', 'bale'],
      ['whatsapp-cloud', 'whatsapp'],
      ['eitaayar', 'eitaa'],
      ['rubika', 'rubika'],
    ],
  );
});
