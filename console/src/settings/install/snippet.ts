const quote = (text: string) => `'${text.replace(/[\\']/g, '\\$&')}'`;

/** Shown in the snippet until a real write key is filled in. */
export const WRITE_KEY_PLACEHOLDER = 'YOUR_WRITE_KEY';

/**
 * The install snippet of docs/tracking.md ("Browser snippet"), for this Vafa server and a write
 * key. It defines `window.vafa` at once, queues calls until `/sdk/vafa.js` has loaded, and
 * records the page view.
 */
export function installSnippet(host: string, writeKey: string = WRITE_KEY_PLACEHOLDER): string {
  return `<script>
  (function (w, d, host, writeKey) {
    var vafa = (w.vafa = w.vafa || { q: [] });
    if (vafa.loaded) return;
    vafa.q = vafa.q || [];
    ['load', 'page', 'track', 'identify', 'reset'].forEach(function (m) {
      vafa[m] = vafa[m] || function () { vafa.q.push([m, [].slice.call(arguments)]); };
    });
    var s = d.createElement('script');
    s.async = true;
    s.src = host + '/sdk/vafa.js';
    d.head.appendChild(s);
    vafa.load(writeKey, { host: host });
    vafa.page();
  })(window, document, ${quote(host)}, ${quote(writeKey)});
</script>`;
}

/** Example calls shown under the snippet. */
export const EXAMPLE_CALLS = `vafa.track('Product Added', { product_id: 'p-1', price: 250000, currency: 'IRT' });
vafa.identify('user-42', { email: 'sara@example.com', firstName: 'Sara' });
vafa.reset(); // on logout`;
