import { startLocalServer, type LocalAnswer, type LocalServer, type LocalServerOptions, type ReceivedRequest } from '../testing/local-server.ts';
import type { KavenegarEntry } from './answers.ts';

/**
 * A loopback server speaking Kavenegar's REST API v1 (https://kavenegar.com/rest.html) for
 * tests and benchmarks: sms/send, sms/sendarray, sms/status, account/info, with Kavenegar's
 * envelopes and its error answers (403 bad key, 411 bad receptor, 412 bad sender, 414 too many
 * receptors, 418 no credit, 419 arrays of different lengths, entry status 14 for an
 * operator-blacklisted receptor, localid / localmessageids de-duplication).
 */
export interface KavenegarLocalServer extends LocalServer {
  /** Messages accepted (not de-duplicated repeats), in order. */
  sent: KavenegarEntry[];
  /** Receptors (09… form) the operator blacklist refuses: sends answer entry status 14. */
  blacklist: Set<string>;
  /** Remaining credit in rial; each message costs `costPerMessage`. */
  credit: number;
  /** Changes a message's status (what a later sms/status call reports). */
  setStatus(messageid: number, status: number): void;
}

export interface KavenegarLocalOptions extends LocalServerOptions {
  apiKeys?: string[];
  /** Lines this account may send from; any line when absent. */
  lines?: string[];
  credit?: number;
  costPerMessage?: number;
}

const statusText: Record<number, string> = {
  1: 'در صف ارسال قرار دارد',
  2: 'زمان بندی شده (ارسال در تاریخ معین)',
  4: 'ارسال شده به مخابرات',
  5: 'ارسال شده به مخابرات',
  6: 'خطا در ارسال پیام که توسط سر شماره پیش می آید و به معنی عدم رسیدن پیامک می‌باشد',
  10: 'رسیده به گیرنده',
  11: 'نرسیده به گیرنده',
  13: 'ارسال پیام از سمت کاربر لغو شده یا در ارسال آن مشکلی پیش آمده که هزینه آن به حساب برگشت داده میشود',
  14: 'بلاک شده است، عدم تمایل گیرنده به دریافت پیامک از خطوط تبلیغاتی',
  100: 'شناسه پیامک نامعتبر است',
};

export const kavenegarErrors = {
  403: 'کد شناسائی API-Key معتبر نمی‌باشد',
  404: 'متد نامشخص است',
  406: 'پارامترهای اجباری خالی ارسال شده اند',
  409: 'سرور قادر به پاسخگوئی نیست بعدا تلاش کنید',
  411: 'دریافت کننده نامعتبر است',
  412: 'ارسال کننده نامعتبر است',
  413: 'پیام خالی است و یا طول پیام بیش از حد مجاز می‌باشد',
  414: 'حجم درخواست بیشتر از حد مجاز است',
  418: 'اعتبار حساب شما کافی نیست',
  419: 'طول آرایه متن و گیرنده و فرستنده هم اندازه نیست',
  451: 'فراخوانی بیش از حد در یک بازه زمانی مشخص',
} as const;

/** A Kavenegar error envelope; the HTTP status mirrors `return.status` as the real API does. */
export function kavenegarError(status: keyof typeof kavenegarErrors): LocalAnswer {
  return { status, body: { return: { status, message: kavenegarErrors[status] }, entries: null } };
}

export async function startKavenegarServer(options: KavenegarLocalOptions = {}): Promise<KavenegarLocalServer> {
  const apiKeys = new Set(options.apiKeys ?? ['test-kavenegar-key']);
  const lines = options.lines ? new Set(options.lines) : undefined;
  const costPerMessage = options.costPerMessage ?? 1200;
  const messages = new Map<number, KavenegarEntry>();
  const byLocalId = new Map<string, KavenegarEntry>();
  const sent: KavenegarEntry[] = [];
  const blacklist = new Set<string>();
  let nextId = 8_792_343;

  const state = { credit: options.credit ?? 1_000_000_000 };

  const ok = (entries: unknown): LocalAnswer => ({ status: 200, body: { return: { status: 200, message: 'تایید شد' }, entries } });

  const validReceptor = (receptor: string) => /^(09\d{9}|00[1-9]\d{6,14})$/.test(receptor);

  function send(params: URLSearchParams): LocalAnswer {
    const receptor = params.get('receptor');
    const message = params.get('message');
    if (!receptor || !message) return kavenegarError(406);
    if (receptor.includes(',')) return kavenegarError(414); // this double serves single sends only
    if (!validReceptor(receptor)) return kavenegarError(411);
    const sender = params.get('sender') ?? '10004346';
    if (lines && !lines.has(sender)) return kavenegarError(412);
    if (message.length > 2000) return kavenegarError(413);
    const localid = params.get('localid');
    const earlier = localid ? byLocalId.get(localid) : undefined;
    if (earlier) return ok([earlier]);
    if (state.credit < costPerMessage) return kavenegarError(418);
    return ok([accept(receptor, sender, message, localid)]);
  }

  /** sms/sendarray: JSON arrays of one length; the whole call fails on any bad item, as a batch does. */
  function sendArray(params: URLSearchParams): LocalAnswer {
    const arrays = ['receptor', 'sender', 'message', 'localmessageids'].map((name) => {
      const raw = params.get(name);
      if (raw === null) return undefined;
      try {
        const value: unknown = JSON.parse(raw);
        return Array.isArray(value) ? value.map(String) : null;
      } catch {
        return null;
      }
    });
    const [receptors, senders, messages, localIds] = arrays;
    if (!receptors || !senders || !messages || localIds === null) return kavenegarError(406);
    if (receptors.length === 0) return kavenegarError(406);
    if (receptors.length > 200) return kavenegarError(414);
    if (senders.length !== receptors.length || messages.length !== receptors.length || (localIds && localIds.length !== receptors.length)) return kavenegarError(419);
    if (!receptors.every(validReceptor)) return kavenegarError(411);
    if (lines && !senders.every((sender) => lines.has(sender))) return kavenegarError(412);
    if (messages.some((m) => m.length === 0 || m.length > 2000)) return kavenegarError(413);
    const fresh = receptors.filter((_, i) => !(localIds && byLocalId.has(localIds[i] as string))).length;
    if (state.credit < fresh * costPerMessage) return kavenegarError(418);
    return ok(
      receptors.map((receptor, i) => {
        const localid = localIds?.[i];
        return (localid && byLocalId.get(localid)) || accept(receptor, senders[i] as string, messages[i] as string, localid ?? null);
      }),
    );
  }

  function accept(receptor: string, sender: string, message: string, localid: string | null): KavenegarEntry {
    const status = blacklist.has(receptor) ? 14 : 1;
    const entry: KavenegarEntry = {
      messageid: nextId++,
      message,
      status,
      statustext: statusText[status],
      sender,
      receptor,
      date: Math.floor(Date.now() / 1000),
      cost: status === 14 ? 0 : costPerMessage,
    };
    if (status !== 14) state.credit -= costPerMessage;
    messages.set(entry.messageid, entry);
    if (localid) byLocalId.set(localid, entry);
    sent.push(entry);
    return entry;
  }

  function status(params: URLSearchParams): LocalAnswer {
    const ids = (params.get('messageid') ?? '').split(',').filter(Boolean);
    if (ids.length === 0) return kavenegarError(406);
    if (ids.length > 500) return kavenegarError(414);
    return ok(
      ids.map((id) => {
        const entry = messages.get(Number(id));
        return entry
          ? { messageid: entry.messageid, status: entry.status, statustext: entry.statustext }
          : { messageid: Number(id), status: 100, statustext: statusText[100] };
      }),
    );
  }

  function answer(request: ReceivedRequest): LocalAnswer {
    const match = /^\/v1\/([^/]+)\/([a-z]+\/[a-z]+)\.json$/.exec(request.path);
    if (!match) return { status: 404, body: 'Not Found' };
    if (!apiKeys.has(decodeURIComponent(match[1] ?? ''))) return kavenegarError(403);
    const params = new URLSearchParams(request.query);
    if (request.method === 'POST') for (const [k, v] of new URLSearchParams(request.body)) params.set(k, v);
    switch (match[2]) {
      case 'sms/send':
        return send(params);
      case 'sms/sendarray':
        return sendArray(params);
      case 'sms/status':
        return status(params);
      case 'account/info':
        return ok({ remaincredit: state.credit, expiredate: 1_893_456_000, type: 'master' });
      default:
        return kavenegarError(404);
    }
  }

  const server = await startLocalServer(answer, options);
  // defineProperties, not Object.assign: `credit` must stay a live accessor on the server.
  return Object.defineProperties(server, {
    sent: { value: sent },
    blacklist: { value: blacklist },
    credit: {
      get: () => state.credit,
      set: (value: number) => {
        state.credit = value;
      },
    },
    setStatus: {
      value(messageid: number, next: number) {
        const entry = messages.get(messageid);
        if (!entry) throw new Error(`no message ${messageid}`);
        entry.status = next;
        entry.statustext = statusText[next];
      },
    },
  }) as KavenegarLocalServer;
}
