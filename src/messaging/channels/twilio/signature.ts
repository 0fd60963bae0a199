import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X-Twilio-Signature (https://www.twilio.com/docs/usage/security#validating-requests):
 * base64(HMAC-SHA1(auth token, full URL + every POST parameter as name + value, sorted by name)).
 * A GET webhook signs the URL alone (its parameters are in it).
 */
export function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Constant-time check against the header. Like Twilio's own helpers, the URL is also tried with
 * and without the scheme's default port, because proxies in front of Vafa add or drop it.
 */
export function isValidTwilioSignature(authToken: string, signature: string, url: string, params: Array<[string, string]>): boolean {
  const given = Buffer.from(signature);
  return urlForms(url).some((form) => {
    const expected = Buffer.from(twilioSignature(authToken, form, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function urlForms(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
  const rest = `${parsed.pathname}${parsed.search}`;
  const withPort = `${parsed.protocol}//${parsed.username ? `${parsed.username}:${parsed.password}@` : ''}${parsed.hostname}:${parsed.port || defaultPort}${rest}`;
  const withoutPort = parsed.port && parsed.port !== defaultPort ? url : `${parsed.protocol}//${parsed.username ? `${parsed.username}:${parsed.password}@` : ''}${parsed.hostname}${rest}`;
  return [...new Set([url, withPort, withoutPort])];
}
