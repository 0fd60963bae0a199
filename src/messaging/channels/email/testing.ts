import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A refusal the local SMTP server gives for a recipient or at the end of DATA. */
export interface SmtpRefusal {
  code: number;
  message: string;
}

export interface LocalSmtpServer {
  host: string;
  port: number;
  /** Every accepted message, parsed (headers, text, html), in arrival order. */
  received: ParsedMail[];
  /** Recipient address → the answer to its RCPT TO (550 unknown mailbox, 452 mailbox full …). */
  refuseRecipient: Map<string, SmtpRefusal>;
  /** When set, every DATA is answered with this (e.g. 554 spam, 451 try later). */
  refuseData: SmtpRefusal | undefined;
  /** Resolves once `n` messages have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

const refusal = (r: SmtpRefusal) => Object.assign(new Error(r.message), { responseCode: r.code });

/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1, port 0: the test double the email driver and
 * the console e2e send through. Plain SMTP without STARTTLS; with `auth` it requires that login
 * and answers a wrong one with the standard 535.
 */
export async function startLocalSmtpServer(opts: { auth?: { user: string; password: string } } = {}): Promise<LocalSmtpServer> {
  const received: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  const refuseRecipient = new Map<string, SmtpRefusal>();
  const state: LocalSmtpServer = {
    host: '127.0.0.1',
    port: 0,
    received,
    refuseRecipient,
    refuseData: undefined,
    waitFor: (n, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < n) return false;
          resolve(received.slice(0, n));
          return true;
        };
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${n} messages arrived`)), timeoutMs);
        waiters.push(() => check() && clearTimeout(timer));
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', ...(opts.auth ? [] : ['AUTH'])],
    allowInsecureAuth: true,
    authOptional: !opts.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.password) return callback(null, { user: auth.username });
      return callback(refusal({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
    },
    onRcptTo(address, _session, callback) {
      const refused = refuseRecipient.get(address.address.toLowerCase());
      callback(refused ? refusal(refused) : undefined);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (state.refuseData) return callback(refusal(state.refuseData));
          received.push(mail);
          for (const w of waiters) w();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.server.address() as { port: number }).port;
  return state;
}
