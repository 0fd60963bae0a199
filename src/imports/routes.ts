import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attributeDefinitions } from '../customers/attributes.ts';
import type { Db } from '../database.ts';
import { AppError, invalid, notFound } from '../platform/errors.ts';
import { actorOf, apiSecurity as security, guard } from '../platform/http/guard.ts';
import { cursorSchema, limitSchema, pageSchema } from '../platform/http/pagination.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/server.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { CsvParser, type Delimiter, detectDelimiter } from './csv.ts';
import { ATTRIBUTE_PREFIX, checkMapping, fieldsOf, importKinds, type Mapping, mappingSchema, suggestMapping } from './fields.ts';
import { inspectFile } from './file.ts';
import { importOptionsSchema } from './options.ts';
import type { ImportRunner } from './runner.ts';
import { createImport, errorReport, getImport, listImports, toView } from './store.ts';
import { dateFormats } from './values.ts';

export interface ImportRouteDeps {
  db: Db;
  runner: ImportRunner;
  /** Largest CSV upload (the route's own body limit). */
  maxUploadBytes: number;
}

const tags = ['imports'];
const idParams = z.object({ id: z.uuid('id must be a UUID') });
const columnMapping = z.object({ field: z.string(), dateFormat: z.enum(dateFormats).optional() });

export const importSchema = z
  .object({
    id: z.string(),
    kind: z.enum(importKinds),
    fileName: z.string(),
    fileSha256: z.string(),
    fileBytes: z.number(),
    source: z.enum(['cli', 'api']),
    dryRun: z.boolean(),
    status: z.enum(['queued', 'running', 'interrupted', 'completed', 'failed']),
    mapping: z.record(z.string(), columnMapping),
    options: z.object({ dateFormat: z.enum(dateFormats), currency: z.string().optional(), timeZone: z.string().optional(), delimiter: z.string().optional() }),
    rowsTotal: z.number().int(),
    rowsDone: z.number().int().describe('Rows imported (or, in a dry run, found valid)'),
    rowsFailed: z.number().int().describe('Rows in the error report'),
    percent: z.number(),
    rowsPerSecond: z.number().nullable(),
    etaSeconds: z.number().nullable(),
    counts: z.record(z.string(), z.number()).describe('customers: created, updated, unchanged; orders: ordersCreated, ordersExisting, linesCreated, customersCreated; dry runs: orders, lines'),
    error: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Import' });

const options = importOptionsSchema.shape;
const createQuery = z.strictObject({
  kind: z.enum(importKinds),
  fileName: z.string().trim().min(1).max(200).default('upload.csv'),
  mapping: z.string().max(50_000).optional().describe('JSON object: CSV column → field, or → {"field", "dateFormat"}. Default: suggested from the header'),
  dateFormat: options.dateFormat,
  currency: options.currency,
  timeZone: options.timeZone,
  delimiter: options.delimiter,
  dryRun: z.enum(['true', 'false']).default('false').describe('Validate every row and report, write nothing'),
});

const previewQuery = z.strictObject({
  kind: z.enum(importKinds),
  partial: z.enum(['true', 'false']).default('false').describe('The body is the start of a larger file: its last, possibly cut, record is dropped'),
});

const previewSchema = z
  .object({
    delimiter: z.string(),
    columns: z.array(z.string()),
    rows: z.array(z.array(z.string())).describe('Up to 20 data rows'),
    suggestedMapping: z.record(z.string(), columnMapping),
    fields: z.array(z.string()).describe('What a column can be mapped to'),
  })
  .meta({ id: 'ImportPreview' });

function parseMapping(text: string | undefined): Mapping | undefined {
  if (text === undefined || text === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('mapping', 'is not JSON');
  }
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) throw invalid(`mapping.${parsed.error.issues[0]?.path.join('.') ?? ''}`, parsed.error.issues[0]?.message ?? 'is not a mapping');
  return parsed.data;
}

const csvBody = (body: unknown): Buffer => {
  if (body !== undefined && !Buffer.isBuffer(body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the CSV file itself as the body, with Content-Type: text/csv', { field: 'content-type' });
  if (!body || body.length === 0) throw new AppError('INVALID_INPUT', 'The CSV file is empty: send it as the request body with Content-Type: text/csv', { field: 'body' });
  return body;
};

/**
 * `/api/v1/imports`: upload a CSV (the raw file as the body, `Content-Type: text/csv`), preview
 * it, follow the import's progress and download its error report.
 */
export function importRoutes(app: App, deps: ImportRouteDeps) {
  const { db, runner } = deps;
  // Encapsulated: text/csv bodies are accepted by these routes only.
  app.register(async (plugin) => {
    const scoped = plugin.withTypeProvider<ZodTypeProvider>();
    scoped.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer', bodyLimit: deps.maxUploadBytes }, (_request, body, done) => done(null, body));

    scoped.post(
      '/api/v1/imports',
      {
        bodyLimit: deps.maxUploadBytes,
        schema: {
          tags,
          security,
          summary: 'Upload a CSV file and import it in the background',
          description:
            'The body is the CSV file itself (`Content-Type: text/csv`, up to 100 MB; `,` `;` or tab separated, UTF-8). ' +
            'Answers 202 at once; follow `GET /api/v1/imports/{id}`. Customers are upserted by externalId (else email, else phone), ' +
            'orders by orderId: importing a file again creates no duplicates. Bad rows go to `GET /api/v1/imports/{id}/errors`; the good ones are imported.',
          querystring: createQuery,
          response: { 202: importSchema, ...errorResponses },
        },
        onRequest: guard('customers:write'),
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const body = csvBody(request.body);
        const q = request.query;
        const mapping = parseMapping(q.mapping);
        const id = randomUUID();
        const file = await runner.saveUpload(id, body);
        try {
          const facts = await inspectFile(file, q.delimiter);
          const used = mapping ?? suggestMapping(q.kind, facts.header);
          checkMapping(q.kind, used, facts.header);
          const row = await createImport(
            db,
            {
              workspaceId: actor.workspaceId,
              kind: q.kind,
              source: 'api',
              fileName: q.fileName,
              sha256: facts.sha256,
              bytes: facts.bytes,
              rowsTotal: facts.rowsTotal,
              mapping: used,
              options: { dateFormat: q.dateFormat, ...(q.currency ? { currency: q.currency } : {}), ...(q.timeZone ? { timeZone: q.timeZone } : {}), delimiter: facts.delimiter },
              dryRun: q.dryRun === 'true',
              createdBy: actor.label,
            },
            id,
          );
          await recordAudit(db, actor, { action: 'import.started', targetType: 'import', targetId: id, changes: { kind: q.kind, fileName: q.fileName, rows: facts.rowsTotal, dryRun: row.dry_run } });
          runner.start(row, facts);
          return reply.status(202).send(toView(row));
        } catch (e) {
          await fs.promises.rm(file, { force: true });
          throw e;
        }
      },
    );

    scoped.post(
      '/api/v1/imports/preview',
      {
        bodyLimit: 10 * 1024 * 1024,
        schema: {
          tags,
          security,
          summary: 'Columns, first rows and a suggested mapping of a CSV',
          description: 'Send the file, or its first few hundred KB with `partial=true`, as `text/csv`. Header names in English, Persian or Arabic are recognised («نام», «موبایل», «ایمیل», «شهر» …).',
          querystring: previewQuery,
          response: { 200: previewSchema, ...errorResponses },
        },
        onRequest: guard('customers:write'),
      },
      async (request) => {
        const { kind, partial } = request.query;
        const body = csvBody(request.body);
        const delimiter: Delimiter = detectDelimiter(body.subarray(0, 64 * 1024).toString('utf8'));
        const parser = new CsvParser({ delimiter });
        const records = parser.push(body);
        if (partial !== 'true') records.push(...parser.end());
        const [header, ...rows] = records.filter((r) => r.cells.some((c) => c.trim() !== ''));
        const columns = (header?.cells ?? []).map((c) => c.trim());
        const defined = kind === 'customers' ? [...(await attributeDefinitions(db, actorOf(request).workspaceId)).keys()].map((k) => `${ATTRIBUTE_PREFIX}${k}`) : [];
        return {
          delimiter,
          columns,
          rows: rows.slice(0, 20).map((r) => r.cells),
          suggestedMapping: suggestMapping(kind, columns),
          fields: [...fieldsOf(kind), ...defined],
        };
      },
    );
  });

  app.get(
    '/api/v1/imports',
    {
      schema: { tags, security, summary: 'Imports, newest first', querystring: z.strictObject({ limit: limitSchema, cursor: cursorSchema }), response: { 200: pageSchema(importSchema), ...errorResponses } },
      onRequest: guard('customers:write'),
    },
    async (request) => {
      const result = await listImports(db, actorOf(request).workspaceId, request.query);
      return { data: result.data.map(toView), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/api/v1/imports/:id',
    {
      schema: { tags, security, summary: 'An import and its progress (rows done and failed, rows/s, ETA)', params: idParams, response: { 200: importSchema, ...errorResponses } },
      onRequest: guard('customers:write'),
    },
    async (request) => {
      const row = await getImport(db, actorOf(request).workspaceId, request.params.id);
      if (!row) throw notFound('Import');
      return toView(row);
    },
  );

  app.get(
    '/api/v1/imports/:id/errors',
    {
      schema: {
        tags,
        security,
        summary: 'The error report of an import (CSV download)',
        description: 'One line per problem: `row` (1 = the first row after the header), `line` (in the file), `column`, `value`, `reason`.',
        params: idParams,
        response: { 200: z.string().describe('text/csv (UTF-8 with a byte order mark)'), ...errorResponses },
      },
      onRequest: guard('customers:write'),
    },
    async (request, reply) => {
      const row = await getImport(db, actorOf(request).workspaceId, request.params.id);
      if (!row) throw notFound('Import');
      const name = `${row.file_name.replace(/\.csv$/i, '').replace(/[^\w.\-\u0600-\u06FF]+/g, '_')}.errors.csv`;
      async function* withBom() {
        yield '\uFEFF'; // so that spreadsheet programs read the Persian/Arabic text as UTF-8
        yield* errorReport(db, row?.id as string);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="errors.csv"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(Readable.from(withBom()) as unknown as string); // a stream skips serialisation
    },
  );
}
