import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';

/** Pooled SMTP transport options, as nodemailer.createTransport takes them. */
export type SmtpOptions = Record<string, unknown>;

/**
 * What runs on the SMTP thread (smtp-thread.mjs): every email channel's pooled nodemailer
 * transport of this process, by key. Building and streaming MIME is most of an email's CPU (about
 * 1 ms a message here); on the main thread it would share the event loop with the API and the
 * delivery worker's decisions, so it runs beside them.
 */
export type SmtpRequest =
  | { type: 'open'; key: string; options: SmtpOptions }
  | { type: 'send'; key: string; id: number; mail: SendMailOptions }
  | { type: 'verify'; key: string; id: number }
  | { type: 'close'; key: string };

/** An SMTP error as plain data (the fields smtpOutcome reads): errors do not cross threads whole. */
export interface SmtpFailure {
  responseCode?: number | undefined;
  response?: string | undefined;
  code?: string | undefined;
  message: string;
}

export type SmtpReply = { id: number; ok: true; messageId?: string | undefined } | { id: number; ok: false; error: SmtpFailure };

export class SmtpPool {
  readonly #transports = new Map<string, Transporter>();

  constructor(private readonly reply: (r: SmtpReply) => void) {}

  async handle(request: SmtpRequest): Promise<void> {
    switch (request.type) {
      case 'open':
        this.#transports.get(request.key)?.close();
        this.#transports.set(request.key, nodemailer.createTransport(request.options as Parameters<typeof nodemailer.createTransport>[0]));
        return;
      case 'close':
        this.#transports.get(request.key)?.close();
        this.#transports.delete(request.key);
        return;
      case 'send':
      case 'verify': {
        const transport = this.#transports.get(request.key);
        if (!transport) return this.reply({ id: request.id, ok: false, error: { message: 'the SMTP channel is closed' } });
        try {
          if (request.type === 'verify') {
            await transport.verify();
            return this.reply({ id: request.id, ok: true });
          }
          const info = (await transport.sendMail(request.mail)) as { messageId?: string };
          return this.reply({ id: request.id, ok: true, messageId: info.messageId });
        } catch (e) {
          const x = e as { responseCode?: number; response?: string; code?: string; message?: string };
          return this.reply({ id: request.id, ok: false, error: { responseCode: x.responseCode, response: x.response, code: x.code, message: x.message ?? String(e) } });
        }
      }
    }
  }
}
