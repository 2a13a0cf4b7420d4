import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Recognisable temporary credentials: the tool must never print them. */
export const FAKE_STS_SECRET_ACCESS_KEY = 'SENTINEL-sts-secret-access-key';
export const FAKE_STS_SESSION_TOKEN = 'SENTINEL-sts-session-token';

export interface StsRequest {
  readonly action: string | null;
  readonly roleArn: string | null;
  readonly roleSessionName: string | null;
  readonly webIdentityToken: string | null;
}

export type FakeStsAnswer = { readonly kind: 'credentials' } | { readonly kind: 'error'; readonly code: string; readonly message: string };

export interface FakeSts {
  readonly endpoint: string;
  readonly requests: StsRequest[];
  /** What the next requests are answered with (credentials until changed). */
  answerWith(answer: FakeStsAnswer): void;
  stop(): Promise<void>;
}

/**
 * A hand-written fake of AWS STS, for want of a real one (tests reach no network): a loopback HTTP
 * server that speaks just enough of the STS Query API for AssumeRoleWithWebIdentity, records what
 * it was sent, and answers with credentials or with an STS error. It checks nothing about the
 * token: the tests assert on what it recorded.
 */
export async function startFakeSts(): Promise<FakeSts> {
  const requests: StsRequest[] = [];
  let answer: FakeStsAnswer = { kind: 'credentials' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const request = {
        action: form.get('Action'),
        roleArn: form.get('RoleArn'),
        roleSessionName: form.get('RoleSessionName'),
        webIdentityToken: form.get('WebIdentityToken'),
      };
      requests.push(request);
      if (answer.kind === 'error') {
        res.writeHead(400, { 'content-type': 'text/xml' }).end(errorXml(answer.code, answer.message));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' }).end(credentialsXml(request.roleArn ?? '', request.roleSessionName ?? ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    answerWith: (next) => {
      answer = next;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function credentialsXml(roleArn: string, sessionName: string): string {
  const [, account, roleName] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn) ?? [];
  const expiration = new Date(Date.now() + 900_000).toISOString();
  return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}</Arn>
      <AssumedRoleId>AROAFAKEROLEID:${sessionName}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAFAKEACCESSKEY</AccessKeyId>
      <SecretAccessKey>${FAKE_STS_SECRET_ACCESS_KEY}</SecretAccessKey>
      <SessionToken>${FAKE_STS_SESSION_TOKEN}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>fake-request-id</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>fake-request-id</RequestId>
</ErrorResponse>`;
}
