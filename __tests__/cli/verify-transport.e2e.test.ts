import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { environmentOutputs } from './helpers/authorization-server';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli, type CliRun } from './helpers/run-cli';

// `key-insight verify` meeting servers that misbehave. These answers (an HTML page, an HTTP 500,
// silence) are shapes, not OAuth behaviour, so small hand-written loopback servers produce them.

const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** Routes by issuer path; each "authorization server" misbehaves in one way. */
function misbehavingServer(): Server {
  return createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const metadataFor = (issuerPath: string, tokenEndpoint: string) =>
      JSON.stringify({ issuer: `${origin}${issuerPath}`, token_endpoint: tokenEndpoint, jwks_uri: `${origin}${issuerPath}/v1/keys` });
    switch (req.url) {
      case `/html${METADATA_PATH}`:
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to your Okta org</body></html>');
        return;
      case `/failing${METADATA_PATH}`:
        res.writeHead(200, { 'content-type': 'application/json' }).end(metadataFor('/failing', `${origin}/failing/v1/token`));
        return;
      case '/failing/v1/token': {
        // Echoes the request, as some error pages do: the tool must not print what it sent.
        const body: Buffer[] = [];
        req.on('data', (chunk: Buffer) => body.push(chunk));
        req.on('end', () => {
          const echo = `Internal error for ${req.headers.authorization} ${Buffer.concat(body).toString('utf8')}`;
          res.writeHead(500, { 'content-type': 'text/html' }).end(`<html>${echo}</html>`);
        });
        return;
      }
      case `/plain-http-token${METADATA_PATH}`:
        res.writeHead(200, { 'content-type': 'application/json' }).end(metadataFor('/plain-http-token', 'http://example.invalid/v1/token'));
        return;
      case `/silent${METADATA_PATH}`:
        return; // never answers
      case `/moved${METADATA_PATH}`:
        res.writeHead(302, { location: `${origin}/failing${METADATA_PATH}` }).end();
        return;
      case `/redirecting${METADATA_PATH}`:
        res.writeHead(200, { 'content-type': 'application/json' }).end(metadataFor('/redirecting', `${origin}/redirecting/v1/token`));
        return;
      case '/redirecting/v1/token':
        res.writeHead(307, { location: '/redirecting/v1/token-elsewhere' }).end();
        return;
      case '/redirecting/v1/token-elsewhere':
        redirectedRequests.push(req.headers.authorization);
        res.writeHead(500).end();
        return;
      case `/huge${METADATA_PATH}`:
        // Chunked, so that only reading the body tells its size.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(' '.repeat(1024 * 1024));
        res.end(' ');
        return;
      case `/padded${METADATA_PATH}`: {
        // Exactly 1 MiB: the most that is read.
        const document = metadataFor('/padded', `${origin}/padded/v1/token`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(document.padEnd(1024 * 1024, ' '));
        return;
      }
      case `/huge-declared${METADATA_PATH}`:
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * 1024 + 1) }).end(' '.repeat(1024 * 1024 + 1));
        return;
      default:
        res.writeHead(404).end();
    }
  });
}

let server: Server;
let origin: string;
/** The Authorization header of every request that reached the target of the token endpoint's redirect. */
const redirectedRequests: Array<string | undefined> = [];
let closedPort: number;

beforeAll(async () => {
  server = misbehavingServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  removeTempDirs();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function verifyIssuer(issuer: string, args: string[] = []): Promise<CliRun> {
  const run = await runCli(['verify', ...args], { cwd: dirWithOutputsFile({ 'ki-dev': environmentOutputs(issuer) }) });
  expectNoSecrets(run);
  return run;
}

const METADATA_CHECK = '  FAIL  Metadata URI (Well-known URL) answers with JSON\n';

describe('key-insight verify with servers that misbehave', () => {
  it('fails the metadata check when the Metadata URI answers with HTML', async () => {
    const run = await verifyIssuer(`${origin}/html`);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(METADATA_CHECK);
    expect(run.stdout).toContain('HTTP 200 (text/html): <html><body>Sign in to your Okta org</body></html>');
    expect(run.stdout).toContain("hint: metadata_uri must be an authorization server's {issuer}/.well-known/oauth-authorization-server");
  });

  it('reports an HTTP 500 from the token endpoint without echoing the credentials it sent', async () => {
    const run = await verifyIssuer(`${origin}/failing`);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('  FAIL  Token endpoint issues an access token (client_credentials, client_secret_basic)\n');
    expect(run.stdout).toContain('HTTP 500 (text/html): <html>Internal error for Basic [redacted] grant_type=client_credentials&scope=keyinsight.read</html>');
    expect(run.stdout).toContain('hint: the authorization server failed');
  });

  it('names the host and port when nothing listens there', async () => {
    const run = await verifyIssuer(`http://127.0.0.1:${closedPort}/oauth2/aus1`);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(METADATA_CHECK);
    expect(run.stdout).toContain(`the Metadata URI: cannot connect to 127.0.0.1:${closedPort}: connection refused`);
  });

  it('gives up on a server that does not answer within --timeout-ms', async () => {
    const run = await verifyIssuer(`${origin}/silent`, ['--timeout-ms', '300']);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`the Metadata URI: no complete answer from ${origin.slice('http://'.length)} within 300 ms (raise it with --timeout-ms)`);
  });

  it('does not follow a redirect of the Metadata URI', async () => {
    const run = await verifyIssuer(`${origin}/moved`);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`${METADATA_CHECK}        HTTP 302 (no content type, redirecting to ${origin}/failing${METADATA_PATH}), empty body\n`);
  });

  it('does not follow a redirect of the token endpoint, so the credentials go nowhere else', async () => {
    const run = await verifyIssuer(`${origin}/redirecting`);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      '  FAIL  Token endpoint issues an access token (client_credentials, client_secret_basic)\n        HTTP 307 (no content type, redirecting to /redirecting/v1/token-elsewhere), empty body\n',
    );
    expect(redirectedRequests).toEqual([]);
  });

  it('reads an answer of exactly 1 MiB', async () => {
    const run = await verifyIssuer(`${origin}/padded`);

    expect(run.stdout).toContain(`  PASS  Metadata URI (Well-known URL) answers with JSON\n        ${origin}/padded${METADATA_PATH}\n`);
  });

  it.each(['huge', 'huge-declared'])('stops reading an answer past 1 MiB (%s)', async (path) => {
    const run = await verifyIssuer(`${origin}/${path}`);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `${METADATA_CHECK}        the Metadata URI: the answer from ${origin.slice('http://'.length)} is larger than 1048576 bytes (1 MiB), the most read from any server\n`,
    );
  });

  it('refuses plain http to a host that is not loopback, before connecting', async () => {
    const run = await verifyIssuer('http://example.invalid/oauth2/aus1');

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      'refused to send a request to the Metadata URI http://example.invalid over plain http: only https, or http to a loopback address (127.0.0.0/8, ::1, localhost), is allowed',
    );
  });

  it('refuses to send the client credentials to a token endpoint on another host, over plain http', async () => {
    const run = await verifyIssuer(`${origin}/plain-http-token`);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `  FAIL  Token endpoint is the issuer's own (same origin, under the issuer's path)\n        token_endpoint http://example.invalid/v1/token is not on the origin of the issuer ${origin}/plain-http-token under its path, so the client secret was not sent to it\n`,
    );
    expect(run.stdout).toContain('  SKIP  Token endpoint issues an access token (client_credentials, client_secret_basic)\n');
  });
});
