import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A HAND-WRITTEN STAND-IN for Amazon S3, for want of a real bucket (tests reach no network): a loopback
 * HTTP server answering the path-style REST calls that Terraform's s3 backend and this project's
 * `rename-stack` make, shaped after Amazon S3's API reference: GetObject, HeadObject, PutObject (with
 * the conditional write `If-None-Match: *`, answered 412 PreconditionFailed when the key exists, which
 * Terraform's `use_lockfile` relies on), DeleteObject (204 whether or not the key exists) and
 * ListObjectsV2 (`list-type=2`, `prefix`), with S3's XML error bodies (NoSuchKey). One bucket; no
 * versions, no signatures checked. Bodies sent with `Content-Encoding: aws-chunked` are decoded.
 */
export interface S3StandIn {
  /** For AWS_ENDPOINT_URL_S3 and Terraform's `endpoints.s3`. */
  readonly endpoint: string;
  /** The objects by key. */
  readonly objects: Map<string, Buffer>;
  /** Each request, as "METHOD key" (or "METHOD ?list" for a listing). */
  readonly requests: string[];
  stop(): Promise<void>;
}

const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function error(res: ServerResponse, status: number, code: string, message: string, head = false): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(head ? undefined : `${XML}<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked') || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  return chunked ? decodeAwsChunked(body) : body;
}

/** `<hex size>[;chunk-signature=...]\r\n<data>\r\n` ... `0\r\n<trailers>\r\n\r\n`. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = parseInt(body.subarray(offset, lineEnd).toString('ascii').split(';')[0]!, 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

export async function startS3StandIn(bucket: string): Promise<S3StandIn> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const [, bucketName, ...keyParts] = url.pathname.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    const head = req.method === 'HEAD';
    if (bucketName !== bucket) return error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', head);
    if (key === '') {
      requests.push(`${req.method} ?list`);
      if (req.method !== 'GET' || url.searchParams.get('list-type') !== '2') return error(res, 501, 'NotImplemented', 'the stand-in lists with ListObjectsV2 only', head);
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...objects.keys()].filter((name) => name.startsWith(prefix)).sort();
      const contents = keys.map((name) => `<Contents><Key>${escapeXml(name)}</Key><ETag>${escapeXml(etag(objects.get(name)!))}</ETag><Size>${objects.get(name)!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `${XML}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents.join('')}</ListBucketResult>`,
      );
      return;
    }
    requests.push(`${req.method} ${key}`);
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const body = objects.get(key);
        if (body === undefined) return error(res, 404, 'NoSuchKey', 'The specified key does not exist.', head);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, etag: etag(body), 'last-modified': new Date(0).toUTCString() });
        res.end(head ? undefined : body);
        return;
      }
      case 'PUT': {
        const body = await readBody(req);
        if (req.headers['if-none-match'] === '*' && objects.has(key)) {
          return error(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        }
        objects.set(key, body);
        res.writeHead(200, { etag: etag(body) }).end();
        return;
      }
      case 'DELETE':
        objects.delete(key);
        res.writeHead(204).end();
        return;
      default:
        return error(res, 501, 'NotImplemented', `the stand-in does not answer ${req.method}`, head);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
