import { pino, type Logger } from 'pino';

/** Paths whose values never reach a log line. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.secretKey',
  '*.writeKey',
  '*.key',
  '*.token',
  '*.databaseUrl',
  // Channel credentials (platform/secrets.ts seals them at rest; these keep them out of logs too).
  'secrets',
  'secret',
  '*.secrets',
  '*.secret',
  '*.apiKey',
  '*.privateKey',
  '*.authToken',
  '*.accessToken',
  '*.botToken',
  '*.appSecret',
  '*.verifyToken',
  '*.settings.password',
  '*.settings.secret',
  '*.settings.apiKey',
  '*.settings.privateKey',
  '*.settings.authToken',
  '*.settings.accessToken',
  '*.settings.botToken',
  '*.settings.token',
  '*.settings.appSecret',
  '*.settings.verifyToken',
  'databaseUrl',
  'password',
];

/** Removes the password from a postgres URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'vafa' } },
    destination ?? process.stdout,
  );
}

export type { Logger };
