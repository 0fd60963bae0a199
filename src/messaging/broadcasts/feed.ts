import { XMLParser } from 'fast-xml-parser';
import { err, ok, type Result } from '../../platform/result.ts';

/** One feed item as templates see it: `{% for item in vars.items %}{{ item.title }}…`. */
export interface FeedItem {
  /** guid (RSS) or id (Atom), else the link: what tells items apart across runs. */
  id: string;
  title: string;
  link: string | null;
  /** Plain text (tags stripped), at most 500 characters. */
  summary: string;
  /** ISO instant, or null when the feed gives none (or an unreadable one). */
  date: string | null;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Always arrays, so one item and many read the same.
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
  parseTagValue: false,
  trimValues: true,
});

type Node = Record<string, unknown>;

/** The text of a node that may be a string, a number, or an element with attributes and text. */
function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object') return text((v as Node)['#text']);
  return '';
}

export function plainText(html: string, max = 500): string {
  const stripped = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return stripped.length > max ? `${stripped.slice(0, max - 1).trimEnd()}…` : stripped;
}

function isoOrNull(value: string): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function rssItem(item: Node): FeedItem {
  const link = text(item.link) || null;
  const title = plainText(text(item.title), 300);
  return {
    id: text(item.guid) || link || title,
    title,
    link,
    summary: plainText(text(item.description) || text(item['content:encoded'])),
    date: isoOrNull(text(item.pubDate) || text(item['dc:date'])),
  };
}

function atomEntry(entry: Node): FeedItem {
  const links = (entry.link as Node[] | undefined) ?? [];
  // The alternate link (rel absent or "alternate") is the page of the entry.
  const alternate = links.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? links[0];
  const link = alternate ? String(alternate['@_href'] ?? '') || null : null;
  const title = plainText(text(entry.title), 300);
  return {
    id: text(entry.id) || link || title,
    title,
    link,
    summary: plainText(text(entry.summary) || text(entry.content)),
    date: isoOrNull(text(entry.published) || text(entry.updated)),
  };
}

/** RSS 2.0 or Atom 1.0 → items, newest first (undated items keep feed order, after dated ones). */
export function parseFeed(xml: string): Result<FeedItem[], string> {
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (e) {
    return err(`not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  let items: FeedItem[];
  const rss = doc.rss as Node | undefined;
  const feed = doc.feed as Node | undefined;
  if (rss && typeof rss === 'object') {
    const channel = rss.channel as Node | undefined;
    if (!channel || typeof channel !== 'object') return err('an RSS document without a <channel>');
    items = ((channel.item as Node[] | undefined) ?? []).map(rssItem);
  } else if (feed && typeof feed === 'object') {
    items = ((feed.entry as Node[] | undefined) ?? []).map(atomEntry);
  } else {
    return err('neither RSS 2.0 (<rss>) nor Atom (<feed>)');
  }
  const dated = items.filter((i) => i.date).sort((a, b) => (b.date as string).localeCompare(a.date as string));
  return ok([...dated, ...items.filter((i) => !i.date)]);
}

/**
 * Items not sent before: dated items newer than the newest item sent (or at that instant but
 * with an id not seen), and undated items whose id was not seen. The first run (nothing sent
 * yet) takes the newest `max`.
 */
export function newItems(items: readonly FeedItem[], lastItemAt: Date | null, seenIds: readonly string[], max: number): FeedItem[] {
  const seen = new Set(seenIds);
  const fresh = items.filter((i) => {
    if (seen.has(i.id)) return false;
    if (!lastItemAt || !i.date) return true;
    return Date.parse(i.date) >= lastItemAt.getTime();
  });
  return fresh.slice(0, max);
}

const maxFeedBytes = 5 * 1024 * 1024;

/** GETs a feed (10 s, 5 MB at most) and parses it; every failure is a message for `lastError`. */
export async function fetchFeed(url: string, timeoutMs = 10_000): Promise<Result<FeedItem[], string>> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml;q=0.9, */*;q=0.5', 'user-agent': 'Vafa newsletter' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (e) {
    return err(`the feed could not be fetched: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) return err(`the feed answered HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > maxFeedBytes) return err(`the feed is larger than ${maxFeedBytes} bytes`);
  const body = await res.text();
  if (Buffer.byteLength(body) > maxFeedBytes) return err(`the feed is larger than ${maxFeedBytes} bytes`);
  return parseFeed(body);
}
