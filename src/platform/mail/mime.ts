// Building messages: a plain text message, and OpenPGP/MIME (RFC 3156) encryption of a MIME entity to
// one or more public keys. Only the encrypted part carries content; the outer headers say nothing
// but who sends to whom.
import MimeNode from "nodemailer/lib/mime-node/index.js";
import * as openpgp from "openpgp";

export type Envelope = { from: string; to: string; subject: string; messageId: string };

export type Attachment = { filename: string; contentType: string; content: string | Buffer };

function headers(node: MimeNode, e: Envelope) {
  node.setHeader({ from: e.from, to: e.to, subject: e.subject, "message-id": e.messageId });
}

/** A text/plain message (notices: never put embargoed content in one). */
export async function plainMessage(e: Envelope, text: string): Promise<Buffer> {
  const root = new MimeNode("text/plain; charset=utf-8", { newline: "\r\n" });
  headers(root, e);
  root.setContent(text);
  return root.build();
}

/**
 * The entity that gets encrypted: text plus attachments, with the real subject as a protected header
 * (the outer subject stays generic).
 */
export async function innerEntity(
  e: Pick<Envelope, "from" | "to" | "subject">,
  text: string,
  attachments: Attachment[],
): Promise<Buffer> {
  const root = new MimeNode('multipart/mixed; protected-headers="v1"', { newline: "\r\n" });
  root.setHeader({ from: e.from, to: e.to, subject: e.subject });
  root.createChild("text/plain; charset=utf-8").setContent(text);
  for (const a of attachments)
    root
      .createChild(a.contentType, { filename: a.filename })
      .setHeader("Content-Disposition", "attachment")
      .setContent(a.content);
  const built = await root.build();
  // Only the entity itself: no Date, Message-ID or MIME-Version of a message of its own.
  return Buffer.from(
    built.toString("utf8").replace(/^(Date|Message-ID|MIME-Version):[^\r\n]*\r\n/gim, ""),
    "utf8",
  );
}

export type EncryptionKey = { fingerprint: string; armored: string };

/** The keys among `keys` that can be encrypted to at `date` (revoked, expired and broken ones are left out). */
export async function usableKeys(keys: EncryptionKey[], date: Date): Promise<openpgp.Key[]> {
  const out: openpgp.Key[] = [];
  for (const k of keys) {
    try {
      const key = await openpgp.readKey({ armoredKey: k.armored });
      if (key.isPrivate() || (await key.isRevoked(undefined, undefined, date))) continue;
      await key.getEncryptionKey(undefined, date);
      out.push(key);
    } catch {
      // Not usable: the caller falls back to a notice without content.
    }
  }
  return out;
}

/**
 * An OpenPGP/MIME message (RFC 3156 section 4): multipart/encrypted with the version part and the
 * armored ciphertext of `entity`, encrypted to every key in `keys`.
 */
export async function encryptedMessage(
  e: Envelope,
  entity: Buffer,
  keys: openpgp.Key[],
  date: Date,
): Promise<Buffer> {
  if (keys.length === 0) throw new Error("no key to encrypt to");
  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: new Uint8Array(entity), format: "binary" }),
    encryptionKeys: keys,
    format: "armored",
    date,
  });
  const root = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"', {
    newline: "\r\n",
  });
  headers(root, e);
  root
    .createChild("application/pgp-encrypted")
    .setHeader({
      "Content-Description": "PGP/MIME version identification",
      "Content-Transfer-Encoding": "7bit",
    })
    .setContent("Version: 1\r\n");
  root
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader({
      "Content-Description": "OpenPGP encrypted message",
      "Content-Disposition": 'inline; filename="encrypted.asc"',
      "Content-Transfer-Encoding": "7bit",
    })
    .setContent(armored.replace(/\r?\n/g, "\r\n"));
  return root.build();
}
