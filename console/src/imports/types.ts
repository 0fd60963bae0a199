/** The import API's shapes (see GET /openapi.json, components Import and ImportPreview). */
export type ImportKind = 'customers' | 'orders';
export type DateFormat = 'iso' | 'jalali' | 'dmy' | 'mdy';
export type ImportStatus = 'queued' | 'running' | 'interrupted' | 'completed' | 'failed';
export interface ColumnMapping {
  field: string;
  dateFormat?: DateFormat;
}
export type Mapping = Record<string, ColumnMapping>;

export interface ImportPreview {
  delimiter: string;
  columns: string[];
  rows: string[][];
  suggestedMapping: Mapping;
  fields: string[];
}

export interface ImportJob {
  id: string;
  kind: ImportKind;
  fileName: string;
  dryRun: boolean;
  status: ImportStatus;
  rowsTotal: number;
  rowsDone: number;
  rowsFailed: number;
  percent: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  counts: Record<string, number>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface ImportOptions {
  dateFormat: DateFormat;
  currency: string;
}

export const DATE_FORMATS: readonly DateFormat[] = ['iso', 'jalali', 'dmy', 'mdy'];
export const CURRENCIES = ['IRT', 'IRR', 'USD', 'EUR', 'AED', 'SAR', 'TRY'] as const;
/** Fields whose cells are dates. */
export const DATE_FIELDS = new Set(['birthday', 'placedAt']);
export const isRunning = (job: ImportJob) => job.status === 'queued' || job.status === 'running';
