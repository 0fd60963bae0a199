import { toPersianDigits } from '../../platform/text/normalize.ts';
import { gregorian, jalali, toArabicDigits } from '../templates/filters.ts';
import { pageText, type PageText } from './page-text.ts';
import type { PageLanguage, PreferenceState } from './state.ts';
import type { TopicLabels } from './tables.ts';

/**
 * Server-rendered HTML for customers (no console bundle, no script): the preference page, the
 * one-click confirm page, and the answers after a change. RTL for fa and ar with dir="rtl" and
 * logical CSS properties; Persian digits in fa, Arabic-Indic in ar.
 */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Fills `{name}` placeholders with escaped values (the text itself is ours and trusted). */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => escapeHtml(values[k] ?? ''));
}

const digits = (language: PageLanguage, n: number) => (language === 'fa' ? toPersianDigits(String(n)) : language === 'ar' ? toArabicDigits(String(n)) : String(n));
const dateIn = (language: PageLanguage, d: Date) => (language === 'fa' ? jalali(d, 'D MMMM YYYY', 'fa') : gregorian(d, 'D MMMM YYYY', language));

export function topicLabel(labels: TopicLabels, language: PageLanguage, key: string): string {
  return labels[language] ?? labels.fa ?? labels.en ?? Object.values(labels)[0] ?? key;
}

export const channelName = (text: PageText, channel: string) => text.channelNames[channel] ?? channel;

const STYLE = `
body{font-family:Vazirmatn,Tahoma,"Segoe UI",system-ui,sans-serif;background:#f5f6f8;color:#1f2933;margin:0;line-height:1.7}
main{max-width:36rem;margin-block:2rem;margin-inline:auto;background:#fff;padding:1.5rem 2rem;border-radius:12px;box-shadow:0 1px 3px #0002}
h1{font-size:1.35rem;margin-block:0 1rem}h2{font-size:1.05rem;margin-block:1.5rem .5rem}
label{display:flex;gap:.75rem;align-items:center;padding-block:.35rem}
.muted{color:#66717d;font-size:.85rem}.notice{background:#e7f6ec;border-inline-start:4px solid #2f9e5a;padding:.75rem 1rem;border-radius:6px}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-block-start:1.5rem}
button{font:inherit;padding:.5rem 1.25rem;border-radius:8px;border:1px solid #1c7ed6;background:#1c7ed6;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#c92a2a;border-color:#c92a2a}
nav{display:flex;gap:1rem;justify-content:flex-end;font-size:.85rem}`;

function layout(language: PageLanguage, title: string, body: string): string {
  const { dir } = pageText[language];
  return `<!doctype html>
<html lang="${language}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body>
</html>`;
}

const languageNames: Record<PageLanguage, string> = { fa: 'فارسی', ar: 'العربية', en: 'English' };

function languageSwitch(path: string, current: PageLanguage): string {
  const others = (Object.keys(languageNames) as PageLanguage[]).filter((l) => l !== current);
  return `<nav>${others.map((l) => `<a href="${escapeHtml(`${path}?lang=${l}`)}" lang="${l}" hreflang="${l}">${languageNames[l]}</a>`).join('')}</nav>`;
}

export interface PageOptions {
  /** `/p/<token>`: where the form posts back to. */
  path: string;
  language: PageLanguage;
  /** After a save: how many changes were made. */
  saved?: number | undefined;
}

/** The preference page: a checkbox per channel and topic, save, and "unsubscribe from everything". */
export function preferencePage(state: PreferenceState, options: PageOptions): string {
  const { language, path } = options;
  const text = pageText[language];
  const action = `${path}?lang=${language}`;
  const greeting = state.firstName ? fill(text.greeting, { name: state.firstName }) : escapeHtml(text.greetingAnonymous);
  const notice =
    options.saved === undefined
      ? ''
      : `<p class="notice" role="status">${options.saved > 0 ? fill(text.saved, { count: digits(language, options.saved) }) : escapeHtml(text.noChange)}</p>`;
  const channels = state.channels
    .map((c) => {
      const since = c.changedAt ? ` <span class="muted">${fill(text.since, { date: dateIn(language, c.changedAt) })}</span>` : '';
      return `<label><input type="checkbox" name="channel:${escapeHtml(c.channel)}"${c.subscribed ? ' checked' : ''}> ${escapeHtml(channelName(text, c.channel))}${since}</label>
<input type="hidden" name="shown" value="channel:${escapeHtml(c.channel)}">`;
    })
    .join('\n');
  const topics = state.topics
    .map((t) => {
      const except = t.exceptOn.length ? ` <span class="muted">${fill(text.exceptOn, { channels: t.exceptOn.map((c) => channelName(text, c)).join('، ') })}</span>` : '';
      return `<label><input type="checkbox" name="topic:${escapeHtml(t.key)}"${t.subscribed ? ' checked' : ''}> ${escapeHtml(topicLabel(t.labels, language, t.key))}${except}</label>
<input type="hidden" name="shown" value="topic:${escapeHtml(t.key)}">`;
    })
    .join('\n');
  const summary = state.topics.length
    ? `<p class="muted">${fill(text.summary, { on: digits(language, state.topics.filter((t) => t.subscribed).length), all: digits(language, state.topics.length) })}</p>`
    : '';
  const body = `${languageSwitch(path, language)}
<h1>${escapeHtml(text.title)}</h1>
${notice}
<p>${greeting} ${fill(text.intro, { workspace: state.workspaceName })}</p>
<form method="post" action="${escapeHtml(action)}">
${state.channels.length ? `<h2>${escapeHtml(text.channelsHeading)}</h2>\n${channels}` : ''}
${state.topics.length ? `<h2>${escapeHtml(text.topicsHeading)}</h2>\n${summary}\n${topics}` : ''}
<div class="actions"><button type="submit" name="action" value="save">${escapeHtml(text.save)}</button>
<button type="submit" name="action" value="unsubscribe-all" class="secondary">${escapeHtml(text.unsubscribeAll)}</button></div>
</form>`;
  return layout(language, text.title, body);
}

export interface OneClickView {
  /** `/u/<token>` (the form posts here) and `/p/<token>` (link to everything). */
  unsubscribePath: string;
  preferencesPath: string;
  language: PageLanguage;
  workspaceName: string;
  channel: string;
  topicLabel?: string | undefined;
}

/** GET /u/…: asks, never acts (mail scanners follow GET links). The button posts RFC 8058's body. */
export function confirmPage(view: OneClickView): string {
  const text = pageText[view.language];
  const values = { workspace: view.workspaceName, channel: channelName(text, view.channel), topic: view.topicLabel ?? '' };
  const body = `${languageSwitch(view.unsubscribePath, view.language)}
<h1>${escapeHtml(text.title)}</h1>
<form method="post" action="${escapeHtml(`${view.unsubscribePath}?lang=${view.language}`)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<p>${fill(view.topicLabel ? text.confirmTopic : text.confirmChannel, values)}</p>
<div class="actions"><button type="submit" class="secondary">${escapeHtml(text.confirmButton)}</button></div>
</form>
<p><a href="${escapeHtml(view.preferencesPath)}">${escapeHtml(text.manageAll)}</a></p>`;
  return layout(view.language, text.title, body);
}

/** POST /u/…: done (also when it was already done: the answer is the same). */
export function unsubscribedPage(view: OneClickView): string {
  const text = pageText[view.language];
  const values = { workspace: view.workspaceName, channel: channelName(text, view.channel), topic: view.topicLabel ?? '' };
  const body = `<h1>${escapeHtml(text.title)}</h1>
<p class="notice" role="status">${fill(view.topicLabel ? text.doneTopic : text.doneChannel, values)}</p>
<p><a href="${escapeHtml(view.preferencesPath)}">${escapeHtml(text.manageAll)}</a></p>`;
  return layout(view.language, text.title, body);
}

/** A tampered, foreign or dead link: the same page whatever the reason, so it reveals nothing. */
export function notFoundPage(language: PageLanguage): string {
  const text = pageText[language];
  return layout(language, text.notFoundTitle, `<h1>${escapeHtml(text.notFoundTitle)}</h1>\n<p>${escapeHtml(text.notFound)}</p>`);
}
