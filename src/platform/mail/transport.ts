// Mail transport: SMTP through nodemailer when FOREWARN_SMTP_URL is set, otherwise none (callers then
// leave notices in the outbox table for operators and send nothing else). Messages are built whole
// by the caller (see mime.ts) and handed over raw, so what is signed or encrypted is exactly what
// travels.
import nodemailer from "nodemailer";

export type RawMail = {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipient (RCPT TO). */
  to: string;
  /** The complete RFC 5322 message. */
  raw: Buffer;
};

export type MailTransport = {
  /** "none": nothing is sent; callers keep what they can in the outbox. */
  kind: "smtp" | "none";
  /** Sends one message; throws when the server did not accept it (the caller retries). */
  send(mail: RawMail): Promise<{ response: string }>;
  close(): void;
};

/** The address inside "Name <address>" (or the string itself). */
export function addressOf(from: string): string {
  const m = /<([^<>]+)>\s*$/.exec(from);
  return (m?.[1] ?? from).trim();
}

export function smtpTransport(url: string): MailTransport {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  const t = nodemailer.createTransport({
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: "smtp",
    async send(mail) {
      const info = await t.sendMail({
        envelope: { from: addressOf(mail.from), to: [mail.to] },
        raw: mail.raw,
      });
      if (info.rejected.length) throw new Error(`the SMTP server rejected ${mail.to}: ${info.response}`);
      return { response: String(info.response ?? "") };
    },
    close: () => t.close(),
  };
}

export const noMailTransport: MailTransport = {
  kind: "none",
  async send() {
    throw new Error("no SMTP transport is configured (FOREWARN_SMTP_URL)");
  },
  close() {},
};

/** SMTP when a URL is configured, otherwise the no-op transport. */
export function mailTransport(smtpUrl: string | undefined): MailTransport {
  return smtpUrl ? smtpTransport(smtpUrl) : noMailTransport;
}
