import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration is read from the environment once, at boot, into one typed object.
 * Nothing else in the code reads process.env.
 */
const portSchema = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  PORT: portSchema.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  VAFA_DATA_DIR: z.string().min(1).default('./.vafa'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  VAFA_EMBEDDED_PG_PORT: portSchema.default(54329),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VAFA_COOKIE_SECURE: z
    .enum(['true', 'false', 'auto'])
    .default('auto')
    .describe('Secure flag on session cookies; auto = only when the request came over HTTPS'),
  VAFA_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  VAFA_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  VAFA_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as IR')
    .default('IR'),
  VAFA_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  VAFA_CONSOLE_DIR: z.string().optional(),
  VAFA_REFERENCE_DATA_DIR: z.string().optional(),
  VAFA_TRACKING_EVENTS_PER_SECOND: z.coerce.number().int().min(1).default(100_000),
  VAFA_ANALYTICS_CHECK_SECONDS: z.coerce.number().int().min(0).default(60),
  VAFA_DELIVERY_POLL_MS: z.coerce.number().int().min(0).default(1000).describe('How often the delivery worker looks for due messages (0: the worker does not run in this process)'),
  VAFA_JOURNEYS_TICK_MS: z.coerce.number().int().min(0).default(200).describe('How often the journey engine reads new events and advances due runs (0: the engine does not run in this process)'),
  VAFA_SEGMENTS_TICK_MS: z.coerce.number().int().min(0).default(250).describe('How often changed customers are re-evaluated against dynamic segments; 0: never'),
  VAFA_SEGMENTS_RECOMPUTE_MS: z.coerce.number().int().min(0).default(900_000).describe('Full recompute of each dynamic segment at most this often (time-relative rules); 0: only on save'),
  VAFA_SECRET_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
    .optional()
    .describe('Master key sealing channel credentials at rest; required with DATABASE_URL, generated into the data directory otherwise'),
  VAFA_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://crm.example.com' })
    .optional()
    .describe('Public base URL providers call back (webhooks, receipts); default http://HOST:PORT'),
  VAFA_TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Trust X-Forwarded-For/-Proto: only behind a reverse proxy that sets them'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  embeddedPgPort: number;
  logLevel: Env['LOG_LEVEL'];
  cookieSecure: 'always' | 'never' | 'auto';
  sessionDays: number;
  dbPoolSize: number;
  defaultCountry: string;
  bodyLimitBytes: number;
  consoleDir: string;
  trustProxy: boolean;
  trackingEventsPerSecond: number;
  /** How often the analytics worker looks for workspaces whose orders changed; 0: only on request. */
  analyticsCheckSeconds: number;
  /** How often the delivery worker looks for due messages; 0: no delivery worker in this process. */
  deliveryPollMs: number;
  /** How often the journey engine runs a pass (VAFA_JOURNEYS_TICK_MS); 0: no journey engine in this process. */
  journeysTickMs: number;
  /** Incremental segment pass interval (VAFA_SEGMENTS_TICK_MS); 0 disables it. */
  segmentsTickMs: number;
  /** Age after which a dynamic segment is recomputed in full (VAFA_SEGMENTS_RECOMPUTE_MS); 0 disables it. */
  segmentsRecomputeMs: number;
  /** AES-256 master key for secrets at rest (VAFA_SECRET_KEY); see platform/secrets.ts. */
  secretKey: Buffer | undefined;
  /** Where providers reach this Vafa (webhook and receipt URLs), without a trailing slash. */
  publicUrl: string;
  /** Third-party reference data (CDNOW, Telco…): ../shared/data beside the project by default. */
  referenceDataDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const configDocs = envSchema.shape;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.VAFA_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.VAFA_EMBEDDED_PG_PORT,
    logLevel: e.LOG_LEVEL,
    cookieSecure: e.VAFA_COOKIE_SECURE === 'true' ? 'always' : e.VAFA_COOKIE_SECURE === 'false' ? 'never' : 'auto',
    sessionDays: e.VAFA_SESSION_DAYS,
    dbPoolSize: e.VAFA_DB_POOL_SIZE,
    defaultCountry: e.VAFA_DEFAULT_COUNTRY,
    bodyLimitBytes: e.VAFA_BODY_LIMIT_BYTES,
    trustProxy: e.VAFA_TRUST_PROXY === 'true',
    trackingEventsPerSecond: e.VAFA_TRACKING_EVENTS_PER_SECOND,
    analyticsCheckSeconds: e.VAFA_ANALYTICS_CHECK_SECONDS,
    deliveryPollMs: e.VAFA_DELIVERY_POLL_MS,
    journeysTickMs: e.VAFA_JOURNEYS_TICK_MS,
    segmentsTickMs: e.VAFA_SEGMENTS_TICK_MS,
    segmentsRecomputeMs: e.VAFA_SEGMENTS_RECOMPUTE_MS,
    secretKey: e.VAFA_SECRET_KEY ? Buffer.from(e.VAFA_SECRET_KEY, 'base64') : undefined,
    publicUrl: (e.VAFA_PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    referenceDataDir: path.resolve(e.VAFA_REFERENCE_DATA_DIR ?? path.join(import.meta.dirname, '../../../shared/data')),
    consoleDir: path.resolve(e.VAFA_CONSOLE_DIR ?? path.join(import.meta.dirname, '../../console/dist')),
  };
}
