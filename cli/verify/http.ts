import type { Redactor } from '../redactor';

/** How much of an unexpected answer's body is shown: enough to recognise an error page. */
const EXCERPT_LENGTH = 160;

/**
 * The most of an answer's body read from any server: a metadata document, a key set, a token answer or
 * a page of a hundred Armor items is a few kilobytes, and a server sending more is not answering.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * A request that could not be made or completed: refused by policy, unreachable, too slow. The
 * message names the host and port, and never the request's headers or body.
 */
export class TransportError extends Error {
  public override readonly name = 'TransportError';
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** @default - absent unless the server answered with a redirect */
  readonly location?: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** 127.0.0.0/8, ::1 and `localhost`: the only hosts that may be spoken to over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Parses the URL and refuses it unless it is https, or http to a loopback host, before any
 * connection is made: the secret and the token must not cross a network in the clear.
 */
export function allowedUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TransportError(`${what} ${JSON.stringify(url)} is not an absolute URL`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return parsed;
  if (parsed.protocol === 'http:') {
    throw new TransportError(
      `refused to send a request to ${what} ${parsed.origin} over plain http: only https, or http to a loopback address (127.0.0.0/8, ::1, localhost), is allowed`,
    );
  }
  throw new TransportError(`${what} ${parsed.origin} uses ${parsed.protocol.slice(0, -1)}, but must use https`);
}

export function hostAndPort(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/**
 * One request, bounded by `timeoutMs` from connection to the end of the body and by MAX_ANSWER_BYTES;
 * redirects are not followed, so that no credential is sent on to where a server points.
 */
export async function httpRequest(url: string, what: string, request: HttpRequest, timeoutMs: number): Promise<HttpAnswer> {
  const target = allowedUrl(url, what);
  try {
    const response = await fetch(target, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const location = response.headers.get('location');
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await boundedBody(response, what, target),
      ...(location === null ? {} : { location }),
    };
  } catch (error) {
    if (error instanceof TransportError) throw error;
    throw new TransportError(`${what}: ${transportProblem(error, target, timeoutMs)}`);
  }
}

/** The body as text, read up to MAX_ANSWER_BYTES: past that, the rest is not read and a TransportError says so. */
async function boundedBody(response: Response, what: string, target: URL): Promise<string> {
  const tooLarge = () =>
    new TransportError(`${what}: the answer from ${hostAndPort(target)} is larger than ${MAX_ANSWER_BYTES} bytes (1 MiB), the most read from any server`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Names what went wrong from fetch's error, which hides the cause (a socket error code) one level down. */
function transportProblem(error: unknown, target: URL, timeoutMs: number): string {
  const at = hostAndPort(target);
  // Read by shape: fetch's errors (and the DOMException of a timeout) come from Node's own realm, where
  // `instanceof Error` is false in any other (a vm context, such as a jest test's).
  const failure = typeof error === 'object' && error !== null ? (error as { name?: unknown; message?: unknown; cause?: unknown }) : undefined;
  if (failure?.name === 'TimeoutError' || failure?.name === 'AbortError') {
    return `no complete answer from ${at} within ${timeoutMs} ms (raise it with --timeout-ms)`;
  }
  const cause = failure?.cause as NodeJS.ErrnoException | undefined;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${at}: connection refused (is the server running on that port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host ${target.hostname} (for ${at})`;
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `cannot reach ${at} (${cause.code})`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${at} closed the connection before answering`;
    default:
      if (/CERT|SSL|TLS/.test(cause?.code ?? '')) return `TLS with ${at} failed (${cause?.code})`;
      return `request to ${at} failed (${cause?.code ?? (typeof failure?.message === 'string' ? failure.message : String(error))})`;
  }
}

/** The answer's body as a JSON object, or undefined when it is not one. */
export function jsonObject(answer: HttpAnswer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(answer.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A one-line description of an answer that is not what was expected, with a short excerpt of its
 * body. The body is redacted before it is cut, so that no part of a secret survives the cut.
 */
export function describeAnswer(answer: HttpAnswer, redactor: Pick<Redactor, 'redact'>): string {
  const type = answer.contentType === '' ? 'no content type' : answer.contentType.split(';')[0];
  const excerpt = redactor.redact(answer.body).replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
  const redirect = answer.location === undefined ? '' : `, redirecting to ${answer.location}`;
  return `HTTP ${answer.status} (${type}${redirect})${excerpt === '' ? ', empty body' : `: ${excerpt}`}`;
}
