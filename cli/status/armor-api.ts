/**
 * A read-only client of Fortanix's Armor API, which Key Insight runs on: its OAuth 2.0 token, AWS
 * connections, scans, and the AWS accounts a scan covered. Paths, parameters and shapes are those of
 * Fortanix's published OpenAPI document ("Armor API" 0.1.0); nothing here was checked against a live
 * Key Insight tenant.
 */
import type { Redactor } from '../redactor';
import { basicAuthorization } from '../verify/token-request';
import { allowedUrl, httpRequest, jsonObject, TransportError, type HttpAnswer } from '../verify/http';
import { ARMOR_DEFAULT_URL, ARMOR_ENV, ARMOR_PATHS } from './armor-facts';

export { ARMOR_DEFAULT_URL, ARMOR_ENV, ARMOR_PATHS };

/** Items asked for per page. */
export const PAGE_LIMIT = 100;
/** A guard against a server that never ends a listing. */
const MAX_PAGES = 1000;
/** A token is asked for again this long before Armor says it expires (Fortanix: tokens last about 60 s). */
const TOKEN_RENEWAL_MARGIN_SECONDS = 5;
/** The pause before the one retry of a request Armor answered with a 5xx status. */
const RETRY_PAUSE_MS = 500;

export type ArmorScope = { readonly type: 'account'; readonly accountId: string | null } | { readonly type: 'organization' } | { readonly type: string };

export interface ArmorConnection {
  readonly id: string;
  readonly name: string;
  readonly roleArn: string | null;
  /** `open_id_connect` (a Key Insight IdP configuration) or `access_and_secret_key`. */
  readonly credentials: string;
  readonly scope: ArmorScope;
}

export interface ArmorScan {
  readonly id: string;
  readonly connectionId: string;
  /** in_progress, completed, stopped, pending or failed. */
  readonly status: string;
  readonly createdAt: Date;
  /** @default - absent while the scan runs */
  readonly endedAt?: Date;
  readonly errors: readonly string[];
}

export interface ArmorCredentials {
  /** Origin (and path prefix, if any) of the Armor API, without a trailing slash. */
  readonly baseUrl: string;
  readonly appId: string;
  readonly apiKey: string;
}

/** An Armor call that failed: the message names the call, the HTTP status and Armor's error text. */
export class ArmorError extends Error {
  public override readonly name = 'ArmorError';
}

/**
 * Checks FORTANIX_ARMOR_URL like every other endpoint (https, or http to loopback) and returns the base
 * URL; a TransportError names what is wrong.
 */
export function armorBaseUrl(value: string | undefined): string {
  const url = allowedUrl(value ?? ARMOR_DEFAULT_URL, `the Armor API (${ARMOR_ENV.url})`);
  if (url.search !== '' || url.hash !== '') {
    throw new TransportError(`the Armor API (${ARMOR_ENV.url}) ${JSON.stringify(value)} must be a base URL without query or fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Armor's time format, `20170509T070912Z`, as a Date. */
export function parseArmorTime(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

export class ArmorClient {
  private token: { readonly value: string; readonly renewAt: number } | undefined;

  constructor(
    private readonly credentials: ArmorCredentials,
    private readonly timeoutMs: number,
    private readonly redactor: Redactor,
    private readonly now: () => number = Date.now,
  ) {
    redactor.addSecret(credentials.apiKey);
    redactor.addExact(basicAuthorization(credentials.appId, credentials.apiKey));
  }

  /** Every AWS connection of the tenant, paged with limit and offset until metadata.total_count. */
  public async connections(): Promise<ArmorConnection[]> {
    const connections: ArmorConnection[] = [];
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const call = `GET ${ARMOR_PATHS.connections}`;
      const body = await this.getJson(ARMOR_PATHS.connections, { limit: String(PAGE_LIMIT), offset: String(offset) });
      const items = itemsOf(body, call);
      const total = (body.metadata as Record<string, unknown> | undefined)?.total_count;
      if (typeof total !== 'number') throw new ArmorError(`${call}: the answer has no metadata.total_count`);
      connections.push(...items.flatMap((item) => awsConnection(item, call)));
      offset += items.length;
      if (items.length === 0 || offset >= total) return connections;
    }
    throw new ArmorError(`GET ${ARMOR_PATHS.connections}: still more connections after ${MAX_PAGES} pages`);
  }

  /** Every scan of the tenant, paged with limit and previous_id (the last scan of the page before). */
  public async scans(): Promise<ArmorScan[]> {
    const items = await this.keysetListing(ARMOR_PATHS.scans, 'scan_id');
    return items.map((item) => scan(item, `GET ${ARMOR_PATHS.scans}`));
  }

  /** The IDs of the AWS accounts a scan covered. */
  public async scannedAwsAccounts(scanId: string): Promise<string[]> {
    const path = ARMOR_PATHS.scannedAwsAccounts(scanId);
    const items = await this.keysetListing(path, 'id');
    return items.map((item) => item.id).filter((id): id is string => typeof id === 'string');
  }

  /** A listing paged by previous_id: it ends with an empty page; an item seen twice means the server ignored previous_id. */
  private async keysetListing(path: string, idField: string): Promise<Array<Record<string, unknown>>> {
    const call = `GET ${path}`;
    const all: Array<Record<string, unknown>> = [];
    const seen = new Set<string>();
    let previousId: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: Record<string, string> = { limit: String(PAGE_LIMIT), ...(previousId === undefined ? {} : { previous_id: previousId }) };
      const items = itemsOf(await this.getJson(path, query), call);
      if (items.length === 0) return all;
      for (const item of items) {
        const id = item[idField];
        if (typeof id !== 'string') throw new ArmorError(`${call}: an item has no ${idField}`);
        if (seen.has(id)) throw new ArmorError(`${call}: the page after previous_id=${previousId} repeats ${idField} ${id}, so the listing would not end`);
        seen.add(id);
        all.push(item);
        previousId = id;
      }
    }
    throw new ArmorError(`${call}: still more items after ${MAX_PAGES} pages`);
  }

  /** A GET with the bearer token: asks for a new token once on 401, retries once on 5xx. */
  private async getJson(path: string, query: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
    const target = `${path}?${new URLSearchParams(query).toString()}`;
    const call = `GET ${path}`;
    let answer = await this.get(target);
    if (answer.status === 401) {
      this.token = undefined;
      answer = await this.get(target);
    }
    if (answer.status >= 500) {
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      answer = await this.get(target);
    }
    if (answer.status < 200 || answer.status > 299) throw new ArmorError(`${call}: ${armorProblem(answer, this.redactor)}`);
    const body = jsonObject(answer);
    if (body === undefined) throw new ArmorError(`${call}: HTTP ${answer.status}, but the answer is not a JSON object`);
    return body;
  }

  private async get(pathAndQuery: string): Promise<HttpAnswer> {
    const token = await this.accessToken();
    return this.request(pathAndQuery, { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  }

  /** The current token, or a new one when there is none or it is about to expire. */
  private async accessToken(): Promise<string> {
    if (this.token !== undefined && this.now() < this.token.renewAt) return this.token.value;
    const call = `POST ${ARMOR_PATHS.token}`;
    const answer = await this.request(ARMOR_PATHS.token, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(this.credentials.appId, this.credentials.apiKey),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    });
    const body = jsonObject(answer);
    if (typeof body?.access_token === 'string') this.redactor.addExact(body.access_token);
    if (answer.status !== 200) {
      const hint = answer.status === 401 ? ` (check ${ARMOR_ENV.appId} and ${ARMOR_ENV.apiKey}: an app's API key from Fortanix Armor)` : '';
      throw new ArmorError(`${call}: ${armorProblem(answer, this.redactor)}${hint}`);
    }
    if (typeof body?.access_token !== 'string' || body.access_token === '') throw new ArmorError(`${call}: HTTP 200, but the answer has no access_token`);
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 0;
    this.token = { value: body.access_token, renewAt: this.now() + Math.max(0, expiresIn - TOKEN_RENEWAL_MARGIN_SECONDS) * 1000 };
    return body.access_token;
  }

  /**
   * One request. Every Armor request carries credentials (the app's API key, or a token), so a redirect
   * is not followed, even to the same origin: the published document asks clients to follow them, but a
   * 303 would have the API key posted again to wherever it points.
   */
  private async request(pathAndQuery: string, request: Parameters<typeof httpRequest>[2]): Promise<HttpAnswer> {
    const what = `Fortanix Armor (${request.method} ${pathAndQuery.split('?')[0]})`;
    const url = `${this.credentials.baseUrl}${pathAndQuery}`;
    const answer = await httpRequest(url, what, request, this.timeoutMs);
    if (answer.status >= 300 && answer.status <= 399 && answer.location !== undefined) {
      throw new ArmorError(
        `${what}: HTTP ${answer.status} redirects to ${URL.canParse(answer.location, url) ? new URL(answer.location, url).href : JSON.stringify(answer.location)}, but a request carrying credentials follows no redirect: set ${ARMOR_ENV.url} to the Armor API's own URL (now ${this.credentials.baseUrl})`,
      );
    }
    return answer;
  }
}

/** "HTTP <status>: <Armor's error text>", the text taken from a JSON error when there is one, redacted and cut short. */
function armorProblem(answer: HttpAnswer, redactor: Pick<Redactor, 'redact'>): string {
  const body = jsonObject(answer);
  const fields = ['error', 'error_description', 'message', 'detail'].map((field) => body?.[field]).filter((value): value is string => typeof value === 'string');
  const text = fields.length > 0 ? fields.join(': ') : answer.body;
  const excerpt = redactor.redact(text).replace(/\s+/g, ' ').trim().slice(0, 300);
  return `HTTP ${answer.status}${excerpt === '' ? ' with an empty body' : `: ${excerpt}`}`;
}

function itemsOf(body: Record<string, unknown>, call: string): Array<Record<string, unknown>> {
  const items = body.items;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) {
    throw new ArmorError(`${call}: the answer has no items list`);
  }
  return items as Array<Record<string, unknown>>;
}

/** The connection when it is an AWS one; Azure, on-premises and DSM connections are left out. */
function awsConnection(item: Record<string, unknown>, call: string): ArmorConnection[] {
  const config = item.connection_config as Record<string, unknown> | undefined;
  if (config?.$type !== 'aws') return [];
  const id = item.connection_id;
  if (typeof id !== 'string') throw new ArmorError(`${call}: a connection has no connection_id`);
  const creds = config.creds as Record<string, unknown> | undefined;
  const scope = config.aws_scope as Record<string, unknown> | undefined;
  const scopeType = typeof scope?.$type === 'string' ? scope.$type : 'unknown';
  return [
    {
      id,
      name: typeof item.name === 'string' ? item.name : id,
      roleArn: typeof config.role_arn === 'string' ? config.role_arn : null,
      credentials: typeof creds?.$type === 'string' ? creds.$type : 'unknown',
      scope: scopeType === 'account' ? { type: 'account', accountId: typeof scope?.account_id === 'string' ? scope.account_id : null } : { type: scopeType },
    },
  ];
}

function scan(item: Record<string, unknown>, call: string): ArmorScan {
  const { scan_id: id, connection_id: connectionId, scan_status: status, created_at: createdAt, ended_at: endedAt, scan_errors: errors } = item;
  if (typeof id !== 'string' || typeof connectionId !== 'string' || typeof status !== 'string' || typeof createdAt !== 'string') {
    throw new ArmorError(`${call}: a scan lacks scan_id, connection_id, scan_status or created_at`);
  }
  const created = parseArmorTime(createdAt);
  if (created === undefined) throw new ArmorError(`${call}: scan ${id} has created_at ${JSON.stringify(createdAt)}, not a time like 20170509T070912Z`);
  const ended = typeof endedAt === 'string' ? parseArmorTime(endedAt) : undefined;
  return {
    id,
    connectionId,
    status,
    createdAt: created,
    ...(ended === undefined ? {} : { endedAt: ended }),
    errors: Array.isArray(errors) ? errors.filter((error): error is string => typeof error === 'string') : [],
  };
}
