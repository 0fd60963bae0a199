/**
 * The caption of the link button under a messenger message, in the language the message was
 * rendered in (fa / ar / en, the languages Vafa ships). A template can override it with
 * `metadata.buttonText`.
 */
const openLabels: Record<string, string> = { fa: 'مشاهده', ar: 'عرض', en: 'Open' };

export function linkButtonLabel(language: string | undefined, metadata?: Record<string, string> | undefined): string {
  const custom = metadata?.buttonText;
  if (custom) return custom;
  const base = (language ?? 'en').split('-')[0]!.toLowerCase();
  return openLabels[base] ?? openLabels.en!;
}
