import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { DataDirBusyError } from '../platform/db/lock.ts';
import { createLogger } from '../platform/logger.ts';
import { demoCommand, initCommand, keyCreateCommand, migrateCommand, userAddCommand } from './admin.ts';
import { importCommand } from '../imports/cli.ts';
import { startCommand } from './start.ts';

const usage = `vafa — customer engagement and retention platform

Usage:
  vafa start [--demo]                     serve API and console (PORT, HOST); --demo creates a demo
                                          workspace when the database has none
  vafa init --workspace NAME --email EMAIL --password PW [--name OWNER_NAME]
                                          create a workspace and its owner; prints
                                          {"workspaceId","secretKey","writeKey"}
  vafa demo [--generated]                 load the demo workspace (CDNOW sample orders from
                                          ../shared/data, or generated data) and print its login
  vafa migrate                            apply pending database migrations
  vafa user add --workspace ID --email EMAIL --password PW --role ROLE [--name NAME]
  vafa key create --workspace ID --kind secret|write --name NAME [--role ROLE]
  vafa import customers|orders FILE.csv [--workspace ID] [--map COLUMN=FIELD[:DATE_FORMAT],…]
         [--date-format iso|jalali|dmy|mdy] [--currency IRR|IRT|USD…] [--dry-run]
                                          import a CSV (resumes an interrupted import of the same
                                          file); bad rows go to FILE.errors.csv

Environment: PORT, HOST, VAFA_DATA_DIR, DATABASE_URL, LOG_LEVEL (see README).`;

const options = {
  workspace: { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  kind: { type: 'string' },
  demo: { type: 'boolean' },
  generated: { type: 'boolean' },
  map: { type: 'string' },
  'date-format': { type: 'string' },
  currency: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const command = positionals.join(' ');
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  // stdout carries command results (JSON); logs go to stderr, except for the long-running server.
  const log = createLogger(config.logLevel, command === 'start' ? process.stdout : process.stderr);
  if (positionals[0] === 'import') return importCommand(config, log, positionals.slice(1), values);
  switch (command) {
    case 'start':
      return startCommand(config, log, { demo: Boolean(values.demo) });
    case 'init':
      return initCommand(config, log, values);
    case 'migrate':
      return migrateCommand(config, log);
    case 'demo':
      return demoCommand(config, log, { generated: Boolean(values.generated) });
    case 'user add':
      return userAddCommand(config, log, values);
    case 'key create':
      return keyCreateCommand(config, log, values);
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DataDirBusyError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    const e = error as Error & { field?: string; code?: string };
    if (e.name === 'AppError' || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`vafa: ${e.field ? `${e.field}: ` : ''}${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`vafa: ${e.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
