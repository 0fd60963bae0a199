import { startLocalServer, type LocalAnswer, type LocalServer, type LocalServerOptions, type ReceivedRequest } from '../testing/local-server.ts';

/**
 * A loopback server speaking sms.ir's REST API v1 (https://app.sms.ir/developer/help) for tests
 * and benchmarks: POST /v1/send/bulk, GET /v1/send/{messageId}, GET /v1/credit, authenticated
 * by X-API-KEY, with sms.ir's `{status, message, data}` envelopes and error statuses.
 */
export interface SmsIrSent {
  messageId: number;
  mobile: string;
  messageText: string;
  lineNumber: number;
  sendDateTime: number;
  deliveryState: number;
  deliveryDateTime: number | null;
  cost: number;
}

export interface SmsIrLocalServer extends LocalServer {
  sent: SmsIrSent[];
  /** Mobiles (09… form) on the system blacklist: sends answer status 115. */
  blacklist: Set<string>;
  credit: number;
  setDeliveryState(messageId: number, state: number): void;
}

export interface SmsIrLocalOptions extends LocalServerOptions {
  apiKeys?: string[];
  lines?: number[];
  credit?: number;
}

export const smsIrMessages = {
  0: 'خطای سرور رخ داده است',
  1: 'موفق',
  10: 'کلید وب سرویس نامعتبر است',
  20: 'تعداد درخواست بیشتر از حد مجاز است',
  101: 'شماره خط نامعتبر میباشد',
  102: 'اعتبار کافی نمیباشد',
  103: 'درخواست شما دارای متن (های) خالی است',
  104: 'درخواست شما دارای موبایل(های) نادرست است',
  105: 'تعداد موبایل ها بیشتر از حد مجاز (100 عدد) میباشد',
  107: 'لیست موبایل ها خالی میباشد',
  111: 'ارسالی با این شناسه یافت نشد',
  115: 'شماره موبایل(ها) در لیست سیاه سامانه می‌باشند',
} as const;

const httpStatusOf: Record<number, number> = { 0: 500, 1: 200, 10: 401, 20: 429 };

/** An sms.ir answer with the HTTP status sms.ir pairs with it (401 key, 429 rate, 400 validation). */
export function smsIrAnswer(status: keyof typeof smsIrMessages, data: unknown = null): LocalAnswer {
  return { status: httpStatusOf[status] ?? 400, body: { status, message: smsIrMessages[status], data } };
}

export async function startSmsIrServer(options: SmsIrLocalOptions = {}): Promise<SmsIrLocalServer> {
  const apiKeys = new Set(options.apiKeys ?? ['test-smsir-key']);
  const lines = options.lines ? new Set(options.lines) : undefined;
  const state = { credit: options.credit ?? 1_000_000 };
  const sent: SmsIrSent[] = [];
  const byId = new Map<number, SmsIrSent>();
  const blacklist = new Set<string>();
  let nextId = 86_522_023;
  let nextPack = 1;

  function sendBulk(body: unknown): LocalAnswer {
    const request = body as { lineNumber?: unknown; messageText?: unknown; mobiles?: unknown } | undefined;
    if (typeof request?.lineNumber !== 'number' || (lines && !lines.has(request.lineNumber))) return smsIrAnswer(101);
    if (typeof request.messageText !== 'string' || request.messageText.trim() === '') return smsIrAnswer(103);
    if (!Array.isArray(request.mobiles) || request.mobiles.length === 0) return smsIrAnswer(107);
    if (request.mobiles.length > 100) return smsIrAnswer(105);
    const mobiles = request.mobiles.map(String);
    if (mobiles.some((m) => !/^(0?9\d{9}|989\d{9})$/.test(m))) return smsIrAnswer(104);
    const national = mobiles.map((m) => `0${m.slice(-10)}`);
    if (national.some((m) => blacklist.has(m))) return smsIrAnswer(115);
    if (state.credit < mobiles.length) return smsIrAnswer(102);
    state.credit -= mobiles.length;
    const messageIds = national.map((mobile) => {
      const entry: SmsIrSent = {
        messageId: nextId++,
        mobile: `98${mobile.slice(1)}`,
        messageText: request.messageText as string,
        lineNumber: request.lineNumber as number,
        sendDateTime: Math.floor(Date.now() / 1000),
        deliveryState: 3,
        deliveryDateTime: null,
        cost: 1,
      };
      sent.push(entry);
      byId.set(entry.messageId, entry);
      return entry.messageId;
    });
    return smsIrAnswer(1, { packId: `pack-${nextPack++}`, messageIds, cost: messageIds.length });
  }

  function answer(request: ReceivedRequest): LocalAnswer {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || !apiKeys.has(key)) return smsIrAnswer(10);
    if (request.method === 'POST' && request.path === '/v1/send/bulk') {
      try {
        return sendBulk(JSON.parse(request.body));
      } catch {
        return { status: 400, body: { status: 0, message: 'invalid json', data: null } };
      }
    }
    if (request.method === 'GET' && request.path === '/v1/credit') return smsIrAnswer(1, state.credit);
    const report = /^\/v1\/send\/(\d+)$/.exec(request.path);
    if (request.method === 'GET' && report) {
      const entry = byId.get(Number(report[1]));
      return entry ? smsIrAnswer(1, entry) : smsIrAnswer(111);
    }
    return { status: 404, body: 'Not Found' };
  }

  const server = await startLocalServer(answer, options);
  return Object.defineProperties(server, {
    sent: { value: sent },
    blacklist: { value: blacklist },
    credit: {
      get: () => state.credit,
      set: (value: number) => {
        state.credit = value;
      },
    },
    setDeliveryState: {
      value(messageId: number, next: number) {
        const entry = byId.get(messageId);
        if (!entry) throw new Error(`no message ${messageId}`);
        entry.deliveryState = next;
        entry.deliveryDateTime = Math.floor(Date.now() / 1000);
      },
    },
  }) as SmsIrLocalServer;
}
