import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { AttributeDefinition, EventSchema } from '../../api/types';
import type { Language } from '../../i18n/language';
import { withoutFieldPrefix } from '../../shared/errors';
import type { SegmentCalendar } from '../types';

/** What every condition editor needs and would otherwise be passed down each level. */
export interface BuilderContextValue {
  attributes: readonly AttributeDefinition[];
  eventSchemas: readonly EventSchema[];
  language: Language;
  /** The workspace's calendar, the default of new anniversary conditions. */
  calendar: SegmentCalendar;
  /** Money is typed in major units (tomans for rials in fa); stored = typed × factor. */
  money: { factor: number; label: string };
  /** The server's last validation error, e.g. `rules.conditions.1.days`, shown where it points. */
  error: { field: string; message: string } | null;
}

const BuilderContext = createContext<BuilderContextValue | null>(null);

export function BuilderProvider({ value, children }: { value: BuilderContextValue; children: ReactNode }) {
  return <BuilderContext.Provider value={value}>{children}</BuilderContext.Provider>;
}

export function useBuilder(): BuilderContextValue {
  const value = useContext(BuilderContext);
  if (!value) throw new Error('useBuilder outside BuilderProvider');
  return value;
}

/** `errorFor('days')` → the server's message when its error names `<prefix>.days`. */
export function useFieldErrors(prefix: string): (field: string) => string | undefined {
  const { error } = useBuilder();
  return useMemo(() => {
    const message = error ? withoutFieldPrefix(error) : '';
    return (field: string) => (error && error.field === `${prefix}.${field}` ? message : undefined);
  }, [error, prefix]);
}

/** Event names seen by the workspace, for the event picker. */
export function eventNamesOf(schemas: readonly EventSchema[], type: string): string[] {
  return [...new Set(schemas.filter((s) => s.type === type && s.name).map((s) => s.name as string))].sort();
}

export function propertyNamesOf(schemas: readonly EventSchema[], type: string, name: string): string[] {
  return schemas.find((s) => s.type === type && s.name === name)?.properties.map((p) => p.name) ?? [];
}
