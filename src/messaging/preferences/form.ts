/**
 * Form bodies of the public pages. Browsers post application/x-www-form-urlencoded; RFC 8058 §3.1
 * lets mailbox providers post `List-Unsubscribe=One-Click` as multipart/form-data too, so both are
 * read (and text/plain, which some clients send with the same urlencoded text).
 */
export function formFields(contentType: string | undefined, body: string): [string, string][] {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return multipartFields(contentType ?? '', body);
  return [...new URLSearchParams(body).entries()];
}

/** The text fields of a multipart/form-data body (RFC 7578); file parts are ignored. */
function multipartFields(contentType: string, body: string): [string, string][] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return [];
  const fields: [string, string][] = [];
  for (const part of body.split(`--${marker}`)) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /\bfilename=/i.test(head)) continue;
    const value = part.slice(split).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    fields.push([name, value]);
  }
  return fields;
}

/** RFC 8058 §3.1: the POST carries exactly the key/value pair of List-Unsubscribe-Post. */
export function isOneClickBody(fields: [string, string][]): boolean {
  return fields.some(([k, v]) => k === 'List-Unsubscribe' && v === 'One-Click');
}
