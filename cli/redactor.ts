/** A compact JWS: base64url header and payload (both JSON objects, so starting "eyJ") and a signature. */
const JWT_SHAPE = /eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+/g;

/**
 * Values shorter than this are replaced only where they stand alone (no letter or digit on either side):
 * a one-letter value cut out of every word would make every message unreadable. The commands refuse a
 * credential this short where they read it, so only a value a server sent can be one.
 */
export const MIN_SECRET_LENGTH = 8;

/** Why a credential read from the environment or a file is too short to take, or undefined; the value is never named. */
export function shortSecretProblem(value: string, name: string): string | undefined {
  if (value.length >= MIN_SECRET_LENGTH) return undefined;
  return `${name} is ${value.length} character${value.length === 1 ? '' : 's'} long (value not shown), but must be at least ${MIN_SECRET_LENGTH}, as every credential this tool takes`;
}

/**
 * Replaces every known secret value (the client secret, the access token, and the encodings they
 * travel in) with a marker, in anything the tool is about to print. Printing goes through one
 * Redactor so that an error message echoing a request (a header, a form body) cannot leak them.
 */
export class Redactor {
  public static readonly MARKER = '[redacted]';

  private readonly values = new Set<string>();

  /** Registers a secret together with the forms it is sent in (form-urlencoded, percent-encoded). */
  public addSecret(value: string): void {
    if (value.length === 0) return;
    this.values.add(value);
    this.values.add(formUrlEncode(value));
    this.values.add(encodeURIComponent(value));
  }

  /** Registers an exact string (e.g. a whole Authorization header value). */
  public addExact(value: string): void {
    if (value.length > 0) this.values.add(value);
  }

  /** Replaces the registered values, and anything shaped like a JWT, whoever issued it. */
  public redact(text: string): string {
    // Longest first, so that an encoded form containing a shorter secret is replaced whole.
    const longestFirst = [...this.values].sort((a, b) => b.length - a.length);
    const known = longestFirst.reduce(
      (result, value) => (value.length >= MIN_SECRET_LENGTH ? result.split(value).join(Redactor.MARKER) : result.replace(standingAlone(value), Redactor.MARKER)),
      text,
    );
    return known.replace(JWT_SHAPE, Redactor.MARKER);
  }
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B). */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function standingAlone(value: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g');
}
