import type { WebhookRequest } from '../channel.ts';
import { startLocalServer, type LocalAnswer, type LocalServer, type LocalServerOptions, type ReceivedRequest } from '../testing/local-server.ts';
import { twilioSignature } from './signature.ts';

/**
 * A loopback server speaking Twilio's Messages API (2010-04-01) for tests and benchmarks:
 * create and fetch a message, fetch the account, HTTP Basic auth, Twilio's error envelope
 * `{code, message, more_info, status}`, and the signed webhooks Twilio would call back with.
 */
export interface TwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: string;
  error_code: number | null;
  error_message: string | null;
  direction: 'outbound-api';
  num_segments: string;
  date_created: string;
  date_updated: string;
  api_version: '2010-04-01';
  uri: string;
  /** Not part of Twilio's resource: where this double would post status callbacks. */
  statusCallback: string | null;
}

export interface TwilioLocalServer extends LocalServer {
  accountSid: string;
  authToken: string;
  sent: TwilioMessage[];
  /** Numbers that replied STOP: creating a message to them answers 21610. */
  unsubscribed: Set<string>;
  accountStatus: 'active' | 'suspended' | 'closed';
  setStatus(sid: string, status: string, errorCode?: number): void;
  /** The StatusCallback Twilio would post for a message's current status, signed. */
  statusCallback(sid: string): WebhookRequest;
  /** An incoming-message webhook Twilio would post to `url`, signed. */
  incomingMessage(url: string, from: string, body: string, extra?: Record<string, string>): WebhookRequest;
}

export interface TwilioLocalOptions extends LocalServerOptions {
  accountSid?: string;
  authToken?: string;
  /** Numbers this account owns (valid From values); any E.164 number when absent. */
  numbers?: string[];
}

export function twilioError(httpStatus: number, code: number, message: string): LocalAnswer {
  return { status: httpStatus, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: httpStatus } };
}

const hex32 = (n: number) => n.toString(16).padStart(32, '0');

export async function startTwilioServer(options: TwilioLocalOptions = {}): Promise<TwilioLocalServer> {
  const accountSid = options.accountSid ?? `AC${hex32(0xacc)}`;
  const authToken = options.authToken ?? 'test-twilio-auth-token-0123456789';
  const numbers = options.numbers ? new Set(options.numbers) : undefined;
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const sent: TwilioMessage[] = [];
  const bySid = new Map<string, TwilioMessage>();
  const unsubscribed = new Set<string>();
  const state = { accountStatus: 'active' as 'active' | 'suspended' | 'closed' };
  let counter = 1;

  function create(form: URLSearchParams): LocalAnswer {
    const to = form.get('To') ?? '';
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (from && numbers && !numbers.has(from)) {
      return twilioError(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    }
    if (!body) return twilioError(400, 21602, 'Message body is required.');
    if (body.length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (unsubscribed.has(to)) return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
    const now = new Date().toUTCString();
    const sid = `SM${hex32(counter++)}`;
    const message: TwilioMessage = {
      sid,
      account_sid: accountSid,
      to,
      from,
      messaging_service_sid: service,
      body,
      status: service ? 'accepted' : 'queued',
      error_code: null,
      error_message: null,
      direction: 'outbound-api',
      num_segments: '1',
      date_created: now,
      date_updated: now,
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      statusCallback: form.get('StatusCallback'),
    };
    sent.push(message);
    bySid.set(sid, message);
    const { statusCallback: _hidden, ...resource } = message;
    return { status: 201, body: resource };
  }

  function answer(request: ReceivedRequest): LocalAnswer {
    if (request.headers.authorization !== basic) return twilioError(401, 20003, 'Authenticate');
    const prefix = `/2010-04-01/Accounts/${accountSid}`;
    if (!request.path.startsWith(prefix)) return twilioError(404, 20404, `The requested resource ${request.path} was not found`);
    const rest = request.path.slice(prefix.length);
    if (rest === '.json' && request.method === 'GET') {
      return { status: 200, body: { sid: accountSid, friendly_name: 'Vafa test account', status: state.accountStatus, type: 'Full' } };
    }
    if (rest === '/Messages.json' && request.method === 'POST') {
      if (state.accountStatus !== 'active') return twilioError(401, 20003, 'Authenticate');
      return create(new URLSearchParams(request.body));
    }
    const fetch = /^\/Messages\/([A-Za-z0-9]+)\.json$/.exec(rest);
    if (fetch && request.method === 'GET') {
      const message = bySid.get(fetch[1] ?? '');
      if (!message) return twilioError(404, 20404, `The requested resource ${request.path} was not found`);
      const { statusCallback: _hidden, ...resource } = message;
      return { status: 200, body: resource };
    }
    return twilioError(404, 20404, `The requested resource ${request.path} was not found`);
  }

  function signed(url: string, params: Record<string, string>): WebhookRequest {
    const rawBody = new URLSearchParams(params).toString();
    return {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, url, Object.entries(params)) },
      query: Object.fromEntries(new URL(url).searchParams),
      rawBody,
    };
  }

  const server = await startLocalServer(answer, options);
  return Object.defineProperties(server, {
    accountSid: { value: accountSid },
    authToken: { value: authToken },
    sent: { value: sent },
    unsubscribed: { value: unsubscribed },
    accountStatus: {
      get: () => state.accountStatus,
      set: (value: 'active' | 'suspended' | 'closed') => {
        state.accountStatus = value;
      },
    },
    setStatus: {
      value(sid: string, status: string, errorCode?: number) {
        const message = bySid.get(sid);
        if (!message) throw new Error(`no message ${sid}`);
        message.status = status;
        message.error_code = errorCode ?? null;
        message.error_message = errorCode ? `error ${errorCode}` : null;
        message.date_updated = new Date().toUTCString();
      },
    },
    statusCallback: {
      value(sid: string): WebhookRequest {
        const message = bySid.get(sid);
        if (!message?.statusCallback) throw new Error(`no status callback for ${sid}`);
        const params: Record<string, string> = {
          AccountSid: accountSid,
          ApiVersion: '2010-04-01',
          From: message.from ?? '',
          MessageSid: sid,
          MessageStatus: message.status,
          SmsSid: sid,
          SmsStatus: message.status,
          To: message.to,
        };
        if (message.error_code !== null) params.ErrorCode = String(message.error_code);
        return signed(message.statusCallback, params);
      },
    },
    incomingMessage: {
      value(url: string, from: string, body: string, extra: Record<string, string> = {}): WebhookRequest {
        const sid = `SM${hex32(0xfeed0000 + counter++)}`;
        return signed(url, {
          AccountSid: accountSid,
          ApiVersion: '2010-04-01',
          Body: body,
          From: from,
          MessageSid: sid,
          NumMedia: '0',
          NumSegments: '1',
          SmsMessageSid: sid,
          SmsSid: sid,
          SmsStatus: 'received',
          To: options.numbers?.[0] ?? '+15005550006',
          ...extra,
        });
      },
    },
  }) as TwilioLocalServer;
}
