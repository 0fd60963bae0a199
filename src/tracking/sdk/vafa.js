/*!
 * Vafa browser SDK: vafa.page(), vafa.track(), vafa.identify(), vafa.reset().
 * Sends Segment-spec messages (https://segment.com/docs/connections/spec/common/) to
 * POST {host}/v1/batch. Zero dependencies, ES2017, never throws into the host page.
 * Install: docs/tracking.md, "Browser snippet".
 */
((window, document) => {
  'use strict';

  const VERSION = '0.1.0';
  const ANONYMOUS_ID = 'vafa_aid'; // first-party cookie, and the localStorage fallback key
  const USER_ID = 'vafa_uid';
  const PENDING = 'vafa_pending:'; // + a per-page id: messages not yet acknowledged
  const FLUSH_MS = 1000;
  const FLUSH_AT = 20;
  const MAX_EVENT_BYTES = 32 * 1024; // the server refuses bigger events
  const MAX_REQUEST_BYTES = 60 * 1024; // under the 64 KB budget of keepalive fetches and beacons
  const MAX_PENDING = 200;
  const MAX_BACKOFF_MS = 30000;
  const YEAR_SECONDS = 365 * 24 * 3600;

  const existing = window.vafa;
  if (existing && existing.loaded) return; // the file was included twice

  // Only readable while this file first runs: the default host is where the SDK came from.
  const ownScript = document.currentScript;

  function warn(...args) {
    try {
      if (window.console && window.console.warn) window.console.warn('[vafa]', ...args);
    } catch (_) {
      // nothing left to do
    }
  }

  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch (_) {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch (_) {
        // private mode or full: the value lives in memory only
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch (_) {
        // as above
      }
    },
    keys() {
      try {
        const keys = [];
        for (let i = 0; i < window.localStorage.length; i++) keys.push(window.localStorage.key(i));
        return keys;
      } catch (_) {
        return [];
      }
    },
  };

  function readCookie(name) {
    try {
      const parts = document.cookie ? document.cookie.split('; ') : [];
      for (const part of parts) {
        const eq = part.indexOf('=');
        if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
      }
    } catch (_) {
      // cookies blocked
    }
    return null;
  }

  function writeCookie(name, value, domain) {
    try {
      let cookie = `${name}=${encodeURIComponent(value)}; Max-Age=${YEAR_SECONDS}; Path=/; SameSite=Lax`;
      if (domain) cookie += `; Domain=${domain}`;
      if (window.location.protocol === 'https:') cookie += '; Secure';
      document.cookie = cookie;
    } catch (_) {
      // cookies blocked: localStorage keeps the id
    }
  }

  /** RFC 4122 version 4. crypto.randomUUID exists only on https pages. */
  function uuid() {
    const crypto = window.crypto;
    if (crypto && typeof crypto.randomUUID === 'function') {
      try {
        return crypto.randomUUID();
      } catch (_) {
        // not a secure context
      }
    }
    const b = new Uint8Array(16);
    if (crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.prototype.map.call(b, (x) => (x + 0x100).toString(16).slice(1)).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function byteLength(text) {
    return window.TextEncoder ? new window.TextEncoder().encode(text).length : text.length * 3;
  }

  const plainObject = (value) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {});

  const state = {
    writeKey: null,
    host: '',
    cookieDomain: undefined,
    anonymousId: null,
    userId: null,
    pendingKey: PENDING + uuid().slice(0, 8),
    /** Calls made before load(), replayed by it. */
    waiting: [],
    /** Messages not yet sent, oldest first. */
    queue: [],
    /** Messages of the request on the way. */
    inFlight: null,
    timer: null,
    attempt: 0,
    retryAt: 0,
  };

  function defaultHost() {
    try {
      return ownScript && ownScript.src ? new URL(ownScript.src).origin : '';
    } catch (_) {
      return '';
    }
  }

  function keepAnonymousId(id) {
    writeCookie(ANONYMOUS_ID, id, state.cookieDomain);
    storage.set(ANONYMOUS_ID, id);
  }

  function pageProperties() {
    const l = window.location;
    return { url: l.href, path: l.pathname, search: l.search, title: document.title, referrer: document.referrer };
  }

  function context() {
    const nav = window.navigator;
    const ctx = { library: { name: 'vafa.js', version: VERSION }, page: pageProperties(), locale: nav.language, userAgent: nav.userAgent };
    try {
      ctx.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (_) {
      // no Intl
    }
    return ctx;
  }

  /** What is still unacknowledged survives a navigation; the next page sends it again. */
  function persist() {
    const pending = (state.inFlight || []).concat(state.queue).slice(-MAX_PENDING);
    if (pending.length) storage.set(state.pendingKey, JSON.stringify(pending));
    else storage.remove(state.pendingKey);
  }

  /** Messages left behind by earlier pages. Resending one is safe: the server dedupes messageIds. */
  function adoptPending() {
    for (const key of storage.keys()) {
      if (!key || key.indexOf(PENDING) !== 0 || key === state.pendingKey) continue;
      try {
        const messages = JSON.parse(storage.get(key) || '[]');
        if (Array.isArray(messages)) state.queue = state.queue.concat(messages.filter((m) => m && m.messageId));
      } catch (_) {
        // unreadable: dropped below
      }
      storage.remove(key);
    }
    state.queue = state.queue.slice(-MAX_PENDING);
    persist();
  }

  function enqueue(type, fields, timestamp) {
    const message = Object.assign(
      { type, messageId: uuid(), anonymousId: state.anonymousId, timestamp: timestamp || new Date().toISOString(), context: context() },
      fields,
    );
    if (state.userId) message.userId = state.userId;
    let size;
    try {
      size = byteLength(JSON.stringify(message));
    } catch (e) {
      warn(`${type} dropped: its properties cannot be sent as JSON`, e);
      return;
    }
    if (size > MAX_EVENT_BYTES) {
      warn(`${type} dropped: ${size} bytes, an event may be at most ${MAX_EVENT_BYTES}`);
      return;
    }
    state.queue.push(message);
    persist();
    schedule(state.queue.length >= FLUSH_AT ? 0 : FLUSH_MS);
  }

  function schedule(ms) {
    if (state.inFlight || !state.writeKey || state.queue.length === 0) return; // send() reschedules when done
    const delay = Math.max(ms, state.retryAt - Date.now());
    if (state.timer !== null) {
      if (delay > 0) return;
      clearTimeout(state.timer);
    }
    state.timer = setTimeout(() => {
      send().catch((e) => warn('send failed', e));
    }, delay);
  }

  /** The oldest messages, at most FLUSH_AT and MAX_REQUEST_BYTES of them. */
  function takeBatch() {
    const batch = [];
    let bytes = 200;
    while (state.queue.length && batch.length < FLUSH_AT) {
      const size = byteLength(JSON.stringify(state.queue[0])) + 1;
      if (batch.length && bytes + size > MAX_REQUEST_BYTES) break;
      batch.push(state.queue.shift());
      bytes += size;
    }
    return batch;
  }

  /**
   * The body goes as text/plain (a string, no custom header): a "simple" cross-origin request,
   * so no CORS preflight. The write key rides in the body, as the Segment HTTP API allows.
   */
  const body = (batch) => JSON.stringify({ batch, writeKey: state.writeKey, sentAt: new Date().toISOString() });

  /** 'sent', 'retry', 'dropped', or the messages to send again without the ones the server refused. */
  async function post(batch) {
    const text = body(batch);
    if (!window.fetch) return window.navigator.sendBeacon && window.navigator.sendBeacon(`${state.host}/v1/batch`, text) ? 'sent' : 'retry';
    let res;
    try {
      res = await window.fetch(`${state.host}/v1/batch`, { method: 'POST', body: text, mode: 'cors', credentials: 'omit', keepalive: byteLength(text) < MAX_REQUEST_BYTES });
    } catch (_) {
      return 'retry'; // offline, server down, blocked
    }
    if (res.ok) return 'sent';
    if (res.status === 429 || res.status >= 500) return 'retry';
    let answer = null;
    try {
      answer = await res.json();
    } catch (_) {
      // no JSON body
    }
    const problems = answer && answer.error && answer.error.problems;
    if (res.status === 400 && Array.isArray(problems) && problems.length) {
      // A batch is stored all or nothing: drop the events the server named, send the rest again.
      warn('events refused', problems);
      const bad = problems.map((p) => p.index);
      return batch.filter((_, i) => bad.indexOf(i) < 0);
    }
    warn(`batch refused (${res.status})`, answer && answer.error ? answer.error.message : '');
    return 'dropped';
  }

  async function send() {
    state.timer = null;
    if (state.inFlight || state.queue.length === 0) return;
    const batch = takeBatch();
    state.inFlight = batch;
    let outcome;
    try {
      outcome = await post(batch);
    } catch (_) {
      outcome = 'retry';
    }
    state.inFlight = null;
    if (outcome === 'retry') {
      // Same messages, same messageIds: a retry of a batch that did arrive stores nothing twice.
      state.queue = batch.concat(state.queue);
      state.attempt += 1;
      state.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (state.attempt - 1)) * (0.5 + Math.random());
    } else {
      state.attempt = 0;
      state.retryAt = 0;
      if (Array.isArray(outcome) && outcome.length) state.queue = outcome.concat(state.queue);
    }
    persist();
    schedule(state.queue.length >= FLUSH_AT ? 0 : FLUSH_MS);
  }

  /** The page may be gone in a moment: hand what is not sent yet to the browser to deliver. */
  function flushOnHide() {
    if (!state.writeKey || state.queue.length === 0 || !window.navigator.sendBeacon) return;
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = null;
    while (state.queue.length) {
      const batch = takeBatch();
      let queued = false;
      try {
        queued = window.navigator.sendBeacon(`${state.host}/v1/batch`, body(batch));
      } catch (_) {
        // refused: kept for the next page
      }
      if (!queued) {
        state.queue = batch.concat(state.queue);
        break;
      }
    }
    // No persist() here: localStorage keeps what was handed over. Should the page really go, the
    // next one sends it again (a beacon can fail unseen; the server dedupes messageIds); should
    // it stay, the next persist() forgets it.
  }

  const api = {
    load(writeKey, options) {
      if (state.writeKey) return;
      if (typeof writeKey !== 'string' || !writeKey) {
        warn('vafa.load() needs a write key');
        return;
      }
      const opts = plainObject(options);
      state.writeKey = writeKey;
      state.host = String(opts.host || defaultHost()).replace(/\/+$/, '');
      state.cookieDomain = typeof opts.cookieDomain === 'string' ? opts.cookieDomain : undefined;
      state.anonymousId = readCookie(ANONYMOUS_ID) || storage.get(ANONYMOUS_ID) || uuid();
      keepAnonymousId(state.anonymousId); // refreshes the cookie's year
      state.userId = storage.get(USER_ID) || null;
      adoptPending();
      window.addEventListener('pagehide', guard(flushOnHide));
      document.addEventListener(
        'visibilitychange',
        guard(() => {
          if (document.visibilityState === 'hidden') flushOnHide();
        }),
      );
      const waiting = state.waiting;
      state.waiting = [];
      for (const call of waiting) run(call[0], call[1], call[2]);
      schedule(0);
    },

    /** `page(name?, properties?)`; url, path, search, title and referrer are filled in. */
    page(name, properties, timestamp) {
      let props = properties;
      let pageName = name;
      if (pageName && typeof pageName === 'object') {
        props = pageName;
        pageName = undefined;
      }
      const fields = { properties: Object.assign(pageProperties(), plainObject(props)) };
      if (typeof pageName === 'string' && pageName) fields.name = pageName;
      enqueue('page', fields, timestamp);
    },

    track(event, properties, timestamp) {
      if (typeof event !== 'string' || !event.trim()) {
        warn('vafa.track() needs an event name');
        return;
      }
      enqueue('track', { event, properties: plainObject(properties) }, timestamp);
    },

    /** `identify(userId, traits?)` or `identify(traits)`: later calls on this browser carry the userId. */
    identify(userId, traits, timestamp) {
      let id = userId;
      let t = traits;
      if (id && typeof id === 'object') {
        t = id;
        id = undefined;
      }
      if (typeof id === 'number') id = String(id);
      if (typeof id === 'string' && id) {
        state.userId = id;
        storage.set(USER_ID, id);
      }
      enqueue('identify', { traits: plainObject(t) }, timestamp);
    },

    /** Logout: forget the user and start a new anonymous id. */
    reset() {
      state.userId = null;
      storage.remove(USER_ID);
      state.anonymousId = uuid();
      keepAnonymousId(state.anonymousId);
    },

    anonymousId() {
      return state.anonymousId;
    },
  };

  /** Runs a call now, or keeps it (with its time) until load() when there is no write key yet. */
  function run(method, args, at) {
    if (method !== 'load' && method !== 'anonymousId' && !state.writeKey) {
      state.waiting.push([method, args, at || new Date().toISOString()]);
      return undefined;
    }
    const list = Array.isArray(args) ? args.slice() : [];
    if (method === 'page' || method === 'track' || method === 'identify') list.length = 2;
    if (at) list[2] = at;
    return api[method](...list);
  }

  function guard(fn) {
    return (...args) => {
      try {
        return fn(...args);
      } catch (e) {
        warn('internal error', e);
        return undefined;
      }
    };
  }

  // The install snippet made window.vafa a stub that queues [method, arguments] in vafa.q until
  // this file arrives. The same object gets the real methods, so references to it keep working.
  const vafa = existing && typeof existing === 'object' ? existing : {};
  const queued = Array.isArray(vafa.q) ? vafa.q : [];
  vafa.q = [];
  vafa.loaded = true;
  vafa.version = VERSION;
  for (const method of Object.keys(api)) {
    vafa[method] = guard((...args) => run(method, args));
  }
  window.vafa = vafa;
  for (const entry of queued) {
    if (Array.isArray(entry) && typeof api[entry[0]] === 'function') vafa[entry[0]](...Array.prototype.slice.call(entry[1] || []));
  }
})(window, document);
