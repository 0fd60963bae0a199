import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { App } from '../../platform/http/server.ts';

const SOURCE = new URL('../sdk/vafa.js', import.meta.url);

/**
 * The file as served: its leading licence comment, then the code without comment lines and
 * indentation (the source is ours and written so that this is safe: no line starts inside a
 * string or a template, no block comment shares a line with code).
 */
export function sdkScript(source = readFileSync(SOURCE, 'utf8')): string {
  const header = source.slice(0, source.indexOf('*/') + 2);
  const code = source
    .slice(header.length)
    .replace(/^\s*\/\*\*[\s\S]*?\*\/\s*$/gm, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('//'))
    .join('\n');
  return `${header}\n${code}\n`;
}

/**
 * `GET /sdk/vafa.js`, the browser SDK. The URL has no version in it (install snippets embed it
 * for years), so browsers keep it a day and then revalidate with the ETag; a fix reaches every
 * site within a day.
 */
export function sdkRoutes(app: App) {
  const script = Buffer.from(sdkScript(), 'utf8');
  const gzipped = gzipSync(script, { level: 9 });
  const etag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 22)}"`;

  app.get(
    '/sdk/vafa.js',
    {
      schema: {
        tags: ['tracking'],
        summary: 'The browser SDK (vafa.page / track / identify), see docs/tracking.md',
        description: 'JavaScript, cacheable for a day (`Cache-Control`), revalidated with `ETag` / `If-None-Match` → 304.',
      },
    },
    async (request, reply) => {
      reply
        .header('cache-control', 'public, max-age=86400, stale-while-revalidate=604800')
        .header('etag', etag)
        .header('vary', 'Accept-Encoding')
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin');
      const tags = request.headers['if-none-match'];
      if (tags?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.status(304).send();
      reply.type('application/javascript; charset=utf-8');
      if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(gzipped);
      return reply.send(script);
    },
  );
}
