import { Redactor } from '../../../cli/redactor';
import type { HttpAnswer } from '../../../cli/verify/http';
import { basicAuthorization, readTokenAnswer, tokenRequestBody } from '../../../cli/verify/token-request';

const setup = { stackName: 'ki-dev', outputsFile: 'key-insight.outputs.json', clientSecretStack: 'ki-dev', awsRoles: [] };
const json = (status: number, body: unknown): HttpAnswer => ({ status, contentType: 'application/json', body: JSON.stringify(body) });

describe('basicAuthorization', () => {
  it('form-urlencodes the client ID and secret before base64 (RFC 6749 2.3.1)', () => {
    const header = basicAuthorization('0oa 1', 'p+s/w:%d');

    expect(Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')).toBe('0oa+1:p%2Bs%2Fw%3A%25d');
  });
});

describe('tokenRequestBody', () => {
  it('asks for the client_credentials grant with the scopes space-separated', () => {
    expect(Object.fromEntries(new URLSearchParams(tokenRequestBody(['a.read', 'b.list'])))).toEqual({ grant_type: 'client_credentials', scope: 'a.read b.list' });
  });
});

describe('readTokenAnswer', () => {
  it('takes a bearer token and registers it with the redactor', () => {
    const redactor = new Redactor();

    const answer = readTokenAnswer(json(200, { access_token: 'opaque-token-value', token_type: 'Bearer', expires_in: 3600 }), setup, redactor);

    expect(answer).toEqual({ issued: true, token: { accessToken: 'opaque-token-value', tokenType: 'Bearer', expiresInSeconds: 3600 } });
    expect(redactor.redact('got opaque-token-value')).toBe('got [redacted]');
  });

  it('refuses a token that is not a bearer token', () => {
    expect(readTokenAnswer(json(200, { access_token: 't', token_type: 'DPoP' }), setup, new Redactor())).toEqual({
      issued: false,
      detail: 'HTTP 200, but token_type is "DPoP", not Bearer',
    });
  });

  it.each([
    ['unauthorized_client', 'check stacks[].okta.accessPolicy.assignTo'],
    ['access_denied', 'check stacks[].okta.accessPolicy.assignTo and that stacks[].okta.rule allows the client_credentials grant'],
    ['invalid_client', 'read the outputs again with npx cdktf output ki-dev --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs'],
    ['invalid_scope', 'check stacks[].okta.scopes and stacks[].okta.rule'],
  ])('maps %s back to the stack', (error, hint) => {
    const answer = readTokenAnswer(json(400, { error, error_description: 'as Okta says it' }), setup, new Redactor());

    expect(answer).toMatchObject({ issued: false, detail: `HTTP 400 ${error}: as Okta says it` });
    expect(answer.issued === false && answer.hint).toContain(hint);
  });

  it('describes an answer that is not an OAuth error', () => {
    expect(readTokenAnswer({ status: 404, contentType: 'text/html; charset=utf-8', body: '<h1>Not found</h1>' }, setup, new Redactor())).toEqual({
      issued: false,
      detail: 'HTTP 404 (text/html): <h1>Not found</h1>',
      hint: 'no token endpoint at this URL: check the authorization server ID in the issuer',
    });
  });
});
