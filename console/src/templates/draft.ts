import type { ContentKind, TemplateInput, Variant } from './types';

/** The editor's languages; the API accepts any language code, the console edits these three. */
export const EDITOR_LANGUAGES = ['fa', 'ar', 'en'] as const;

export const emptyDraft = (): TemplateInput => ({ name: '', category: 'marketing', topic: null, useVoice: false, variants: { fa: {} } });

/** What a newly added channel section starts with. */
export function emptyContent(kind: ContentKind): NonNullable<Variant[ContentKind]> {
  switch (kind) {
    case 'email':
      return { subject: '', format: 'mjml', body: '<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n        <mj-text>\n        </mj-text>\n      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>' };
    case 'sms':
      return { text: '' };
    case 'messenger':
      return { text: '' };
    case 'push':
      return { title: '', body: '' };
    case 'whatsapp':
      return { parameters: [], text: '' };
    case 'webhook':
      return { payload: { customerId: '{{ customer.id }}' } };
  }
}

/** Optional fields left empty are dropped, so the API sees "absent" rather than an empty Liquid source. */
export function cleanDraft(draft: TemplateInput): TemplateInput {
  const variants: Record<string, Variant> = {};
  for (const [language, variant] of Object.entries(draft.variants)) {
    const v: Variant = {};
    if (variant.email) v.email = { subject: variant.email.subject, format: variant.email.format, body: variant.email.body, ...(variant.email.text?.trim() ? { text: variant.email.text } : {}) };
    if (variant.sms) v.sms = variant.sms;
    if (variant.messenger) {
      const m = variant.messenger;
      v.messenger = { text: m.text, ...(m.buttonText?.trim() ? { buttonText: m.buttonText } : {}), ...(m.buttonUrl?.trim() ? { buttonUrl: m.buttonUrl } : {}) };
    }
    if (variant.push) v.push = { title: variant.push.title, body: variant.push.body, ...(variant.push.url?.trim() ? { url: variant.push.url } : {}) };
    if (variant.whatsapp) {
      const w = variant.whatsapp;
      v.whatsapp = {
        parameters: w.parameters.filter((p) => p.trim() !== ''),
        ...(w.templateName?.trim() ? { templateName: w.templateName.trim(), templateLanguage: w.templateLanguage?.trim() || language } : {}),
        ...(w.text?.trim() ? { text: w.text } : {}),
      };
    }
    if (variant.webhook) v.webhook = variant.webhook;
    variants[language] = v;
  }
  return { ...draft, name: draft.name.trim(), topic: draft.topic?.trim() ? draft.topic.trim() : null, variants };
}

/** Content kinds present in any variant: the channels a preview can show. */
export const kindsOf = (draft: TemplateInput): ContentKind[] => {
  const kinds = new Set<ContentKind>();
  for (const v of Object.values(draft.variants)) for (const k of Object.keys(v) as ContentKind[]) if (v[k] !== undefined) kinds.add(k);
  return [...kinds];
};
