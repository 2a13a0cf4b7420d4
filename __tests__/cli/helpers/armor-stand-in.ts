import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * A STAND-IN of Fortanix's Armor API (the API Key Insight runs on), for want of a Key Insight tenant in
 * tests: a loopback HTTP server that answers the four operations `key-insight status` calls
 * (OauthToken, GetAllConnections, GetAllScans, GetScannedAwsAccounts). Every answer it gives with a
 * status the published OpenAPI document declares is validated, before it is sent, against that
 * operation's response schema in the document (../../fixtures/fortanix-armor/armor-openapi.json) by
 * Ajv; an answer that does not validate is recorded in `violations` and replaced by a 599, so a test
 * cannot pass on a shape Armor would not send. The document declares no error answers for the GET
 * operations: the 401 and 5xx answers the stand-in gives there are plain text, recorded in
 * `undeclaredAnswers`. Its paging follows the document's parameters: limit and offset for
 * connections (with metadata counts), limit and previous_id for scans and scanned accounts; it never
 * returns more than PAGE_SIZE items per page, whatever the limit asked.
 */

export const ARMOR_OPENAPI = join(__dirname, '..', '..', 'fixtures', 'fortanix-armor', 'armor-openapi.json');

/** Items per page at most: small, so that every listing of more than two items takes several pages. */
export const PAGE_SIZE = 2;

/** Recognisable credentials: the API key must never appear in any output. */
export const ARMOR_APP_ID = 'a1b2c3d4-0000-4000-8000-app000000001';
export const ARMOR_API_KEY = 'SENTINEL-armor-api-key+/%:&= x';

export interface ArmorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** `basic` with the right app ID and key, `bearer` with a live token, or what was wrong. */
  readonly auth: 'basic' | 'bearer' | 'bad-basic' | 'expired-bearer' | 'unknown-bearer' | 'none';
}

export interface StandInData {
  readonly connections: ReadonlyArray<Record<string, unknown>>;
  readonly scans: ReadonlyArray<Record<string, unknown>>;
  /** Scan ID to the AWS account IDs it covered. */
  readonly scannedAccounts: Readonly<Record<string, readonly string[]>>;
}

export interface ArmorStandIn {
  readonly url: string;
  readonly requests: ArmorRequest[];
  /** Answers that failed validation against the OpenAPI document (must stay empty). */
  readonly violations: string[];
  /** Answers with a status the document does not declare for the operation. */
  readonly undeclaredAnswers: string[];
  /** Every access token issued: none may appear in any output. */
  readonly issuedTokens: string[];
  setData(data: StandInData): void;
  /** The next `times` requests to a path answer with this status and plain-text body. */
  failNext(path: string, status: number, text: string, times?: number): void;
  /** The next request to a path answers `status` (default 308), to the same URL on `origin` (default: the stand-in's own). */
  redirectNext(path: string, origin?: string, status?: number): void;
  /** Token lifetime declared in expires_in (default 3600). */
  setTokenLifetime(seconds: number): void;
  /** Tokens stop working after this many API calls each, before expires_in says (default: never). */
  revokeTokensAfter(calls: number | undefined): void;
  /** Delay before every answer. */
  setDelay(ms: number): void;
  /** Answer every scans page as the first, as a server that ignores previous_id would. */
  ignorePreviousId(ignore: boolean): void;
  reset(): void;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

function contractValidators() {
  const document = require(ARMOR_OPENAPI);
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  // The document's one format that is not JSON Schema's: its connection endpoints are URLs.
  ajv.addFormat('url', ajv.formats.uri as never);
  // OpenAPI 3.0 keywords that carry no validation, and the document's top-level sections.
  ajv.addVocabulary(['example', 'discriminator', 'openapi', 'info', 'paths', 'components', 'servers', 'tags']);
  ajv.addSchema({ ...document, $id: 'armor-openapi.json' });
  const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
  const cache = new Map<string, ValidateFunction | undefined>();
  /** The validator of the operation's declared response for this status ("200", or the "2XX" range), or undefined. */
  return (pathTemplate: string, method: string, status: number): ValidateFunction | undefined => {
    const key = `${method} ${pathTemplate} ${status}`;
    if (!cache.has(key)) {
      const responses = document.paths[pathTemplate]?.[method]?.responses ?? {};
      const declared = [String(status), `${String(status)[0]}XX`].find((code) => responses[code]?.content?.['application/json']?.schema !== undefined);
      cache.set(
        key,
        declared === undefined
          ? undefined
          : ajv.compile({
              $ref: `armor-openapi.json#/paths/${pointer(pathTemplate)}/${method}/responses/${declared}/content/${pointer('application/json')}/schema`,
            }),
      );
    }
    return cache.get(key);
  };
}

export async function startArmorStandIn(initial: StandInData): Promise<ArmorStandIn> {
  const validatorFor = contractValidators();
  const requests: ArmorRequest[] = [];
  const violations: string[] = [];
  const undeclaredAnswers: string[] = [];
  const issuedTokens: string[] = [];
  let data = initial;
  let failures: Array<{ path: string; status: number; text: string; times: number }> = [];
  let redirects: Array<{ path: string; origin?: string; status: number }> = [];
  let tokenLifetime = 3600;
  let revokeAfter: number | undefined;
  let delayMs = 0;
  let previousIdIgnored = false;
  const tokens = new Map<string, { expiresAt: number; calls: number }>();
  let tokenCounter = 0;
  /** Bumped by reset: a delayed answer to a request of an earlier test is dropped, not recorded. */
  let generation = 0;

  const answer = (res: ServerResponse, template: string, method: string, status: number, body: unknown) => {
    const validate = validatorFor(template, method, status);
    if (validate === undefined) {
      undeclaredAnswers.push(`${method.toUpperCase()} ${template} ${status}`);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(body));
      return;
    }
    if (!validate(body)) {
      violations.push(`${method.toUpperCase()} ${template} ${status}: ${JSON.stringify(validate.errors)}`);
      res.writeHead(599, { 'content-type': 'text/plain' }).end('the stand-in broke the Armor contract');
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, bodyText: string) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toLowerCase();
    const query = Object.fromEntries(url.searchParams);
    const authorization = String(req.headers.authorization ?? '');
    const record = (auth: ArmorRequest['auth']) => requests.push({ method: method.toUpperCase(), path: url.pathname, query, auth });

    const failure = failures.find((candidate) => candidate.path === url.pathname && candidate.times > 0);
    const redirect = redirects.findIndex((candidate) => candidate.path === url.pathname);
    if (redirect >= 0) {
      const { origin, status } = redirects.splice(redirect, 1)[0]!;
      record('none');
      undeclaredAnswers.push(`${method.toUpperCase()} ${url.pathname} ${status}`);
      res.writeHead(status, { location: origin === undefined ? `${url.pathname}${url.search}` : `${origin}${url.pathname}${url.search}` }).end();
      return;
    }

    if (url.pathname === '/api/v1/iam/session/oauth2/token' && method === 'post') {
      const template = '/api/v1/iam/session/oauth2/token';
      const expected = `Basic ${Buffer.from(`${formUrlEncode(ARMOR_APP_ID)}:${formUrlEncode(ARMOR_API_KEY)}`).toString('base64')}`;
      const form = new URLSearchParams(bodyText);
      if (authorization !== expected) {
        record('bad-basic');
        return answer(res, template, method, 401, { error: 'invalid_client', error_description: 'Invalid app credentials' });
      }
      record('basic');
      if (failure !== undefined) {
        failure.times -= 1;
        return answer(res, template, method, failure.status, failure.text);
      }
      if (form.get('grant_type') !== 'client_credentials' || req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
        return answer(res, template, method, 401, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
      }
      const token = `armor-access-token-${++tokenCounter}-SENTINEL`;
      issuedTokens.push(token);
      tokens.set(token, { expiresAt: Date.now() + tokenLifetime * 1000, calls: 0 });
      return answer(res, template, method, 200, { access_token: token, token_type: 'Bearer', expires_in: tokenLifetime });
    }

    const template = routeOf(url.pathname);
    if (template === undefined || method !== 'get') {
      record('none');
      return answer(res, url.pathname, method, 404, 'no such operation in the stand-in');
    }
    const bearer = /^Bearer (.+)$/.exec(authorization)?.[1];
    const token = bearer === undefined ? undefined : tokens.get(bearer);
    if (token === undefined) {
      record(bearer === undefined ? 'none' : 'unknown-bearer');
      return answer(res, template, method, 401, 'Unauthorized');
    }
    token.calls += 1;
    if (Date.now() >= token.expiresAt || (revokeAfter !== undefined && token.calls > revokeAfter)) {
      record('expired-bearer');
      return answer(res, template, method, 401, 'Token expired');
    }
    record('bearer');
    if (failure !== undefined) {
      failure.times -= 1;
      return answer(res, template, method, failure.status, failure.text);
    }
    const limit = Math.min(Number(query.limit ?? PAGE_SIZE) || PAGE_SIZE, PAGE_SIZE);
    if (template === '/api/v1/discovery/connections') {
      const offset = Number(query.offset ?? 0);
      return answer(res, template, method, 200, {
        items: data.connections.slice(offset, offset + limit),
        metadata: { total_count: data.connections.length, filtered_count: data.connections.length },
      });
    }
    if (template === '/api/v1/discovery/scans') {
      const previousId = previousIdIgnored ? undefined : query.previous_id;
      return answer(res, template, method, 200, { items: afterPrevious(data.scans as Json[], 'scan_id', previousId, limit) });
    }
    const scanId = url.pathname.split('/')[5] ?? '';
    const accounts = (data.scannedAccounts[scanId] ?? []).map((id) => ({ id, regions: ['eu-west-1'], details: { name: `account ${id}` } }));
    return answer(res, template, method, 200, { items: afterPrevious(accounts, 'id', query.previous_id, limit) });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const arrivedIn = generation;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const respond = () => (arrivedIn === generation ? handle(req, res, Buffer.concat(chunks).toString('utf8')) : res.destroy());
      if (delayMs > 0) setTimeout(respond, delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    undeclaredAnswers,
    issuedTokens,
    setData: (next) => {
      data = next;
    },
    failNext: (path, status, text, times = 1) => {
      failures.push({ path, status, text, times });
    },
    redirectNext: (path, origin, status = 308) => {
      redirects.push({ path, status, ...(origin === undefined ? {} : { origin }) });
    },
    setTokenLifetime: (seconds) => {
      tokenLifetime = seconds;
    },
    revokeTokensAfter: (calls) => {
      revokeAfter = calls;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    ignorePreviousId: (ignore) => {
      previousIdIgnored = ignore;
    },
    reset: () => {
      generation += 1;
      requests.length = 0;
      violations.length = 0;
      undeclaredAnswers.length = 0;
      failures = [];
      redirects = [];
      tokenLifetime = 3600;
      revokeAfter = undefined;
      delayMs = 0;
      previousIdIgnored = false;
      tokens.clear();
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function routeOf(path: string): string | undefined {
  if (path === '/api/v1/discovery/connections' || path === '/api/v1/discovery/scans') return path;
  if (/^\/api\/v1\/discovery\/scans\/[^/]+\/accounts\/aws$/.test(path)) return '/api/v1/discovery/scans/{id}/accounts/aws';
  return undefined;
}

/** Keyset paging: the items after the one whose ID is previous_id (all of them without it). */
function afterPrevious<T extends Json>(items: readonly T[], idField: string, previousId: string | undefined, limit: number): T[] {
  const start = previousId === undefined ? 0 : items.findIndex((item) => item[idField] === previousId) + 1;
  return items.slice(start, start + limit);
}

function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
