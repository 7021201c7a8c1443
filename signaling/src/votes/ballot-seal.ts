import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/*
 * A sealed ballot: the choice of a secret vote, encrypted (AES-256-GCM) under a key of that vote
 * derived (HKDF-SHA-256) from the ballot secret, which only the signaling servers hold (config,
 * never Redis). Redis, its append-only file, its backups, replicas and MONITOR see the voter's id
 * next to this ciphertext at the moment of the ballot, and nothing they hold opens it.
 *
 * Every sealed ballot has the same length whatever the option (the option id is padded to the
 * longest id the protocol allows), and a fresh random nonce, so two ballots for the same option
 * look unrelated. The vote's ids are the associated data: a ballot cannot be moved to another vote.
 */

const VERSION = 'b1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The protocol's `Id` is at most 64 characters; one length byte plus 64 fills every ballot. */
const PLAINTEXT_BYTES = 65;
const HKDF_SALT = Buffer.from('ehop secret ballot v1');

export class BallotSealer {
  private readonly secret: Buffer;

  constructor(secret: string) {
    this.secret = Buffer.from(secret, 'utf8');
  }

  seal(meetingId: string, voteId: string, optionId: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.voteKey(meetingId, voteId), nonce);
    cipher.setAAD(associatedData(meetingId, voteId));
    const body = Buffer.concat([cipher.update(pad(optionId)), cipher.final()]);
    return `${VERSION}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The option id inside; throws when the ballot was sealed under another secret or altered. */
  open(meetingId: string, voteId: string, sealed: string): string {
    const [version, encoded] = sealed.split('.');
    if (version !== VERSION || !encoded) throw new Error('not a sealed ballot');
    const raw = Buffer.from(encoded, 'base64url');
    if (raw.length !== NONCE_BYTES + PLAINTEXT_BYTES + TAG_BYTES) throw new Error('sealed ballot of the wrong size');
    const decipher = createDecipheriv('aes-256-gcm', this.voteKey(meetingId, voteId), raw.subarray(0, NONCE_BYTES));
    decipher.setAAD(associatedData(meetingId, voteId));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return unpad(Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]));
  }

  /**
   * A fingerprint of the vote's key, stored with the vote when it opens: a node configured with
   * another secret is refused before it seals a ballot nobody could open. It reveals no more than a
   * sealed ballot does (both only let someone check a guess of the secret).
   */
  keyCheck(meetingId: string, voteId: string): string {
    return createHmac('sha256', this.voteKey(meetingId, voteId)).update('key check').digest('base64url').slice(0, 22);
  }

  private voteKey(meetingId: string, voteId: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.secret, HKDF_SALT, `vote ${meetingId} ${voteId}`, 32));
  }
}

function associatedData(meetingId: string, voteId: string): Buffer {
  return Buffer.from(`${meetingId}/${voteId}`, 'utf8');
}

function pad(optionId: string): Buffer {
  const id = Buffer.from(optionId, 'utf8');
  if (id.length >= PLAINTEXT_BYTES) throw new Error('option id too long to seal');
  const plain = Buffer.alloc(PLAINTEXT_BYTES);
  plain[0] = id.length;
  id.copy(plain, 1);
  return plain;
}

function unpad(plain: Buffer): string {
  const length = plain[0] ?? 0;
  if (plain.length !== PLAINTEXT_BYTES || length >= PLAINTEXT_BYTES) throw new Error('malformed ballot');
  return plain.subarray(1, 1 + length).toString('utf8');
}
