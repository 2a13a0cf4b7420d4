import { Redactor } from '../../../cli/redactor';
import { allowedUrl, describeAnswer, isLoopbackHost } from '../../../cli/verify/http';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.255.255.254', 'localhost', 'LOCALHOST', '[::1]'])('takes %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com', '10.0.0.1', '[::2]', 'example.invalid'])('does not take %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('allowedUrl', () => {
  it('allows https anywhere and http to loopback, as URL normalizes the host', () => {
    expect(allowedUrl('https://dev-1.okta.com/oauth2/aus1', 'x').host).toBe('dev-1.okta.com');
    expect(allowedUrl('http://127.1:8080/t', 'x').host).toBe('127.0.0.1:8080');
    expect(allowedUrl('http://[0:0:0:0:0:0:0:1]/t', 'x').hostname).toBe('[::1]');
  });

  it('refuses plain http to any other host, naming what the URL was for', () => {
    expect(() => allowedUrl('http://example.invalid/x', 'the token endpoint')).toThrow(
      'refused to send a request to the token endpoint http://example.invalid over plain http',
    );
  });

  it('refuses other schemes and relative URLs', () => {
    expect(() => allowedUrl('ftp://example.com/x', 'the jwks_uri')).toThrow('the jwks_uri ftp://example.com uses ftp, but must use https');
    expect(() => allowedUrl('/v1/keys', 'the jwks_uri')).toThrow('the jwks_uri "/v1/keys" is not an absolute URL');
  });
});

describe('describeAnswer', () => {
  it('redacts the body before cutting it, so that no part of a secret survives the cut', () => {
    const secret = 'SENTINEL-0123456789-0123456789';
    const redactor = new Redactor();
    redactor.addSecret(secret);
    const body = `${'x'.repeat(150)}${secret}`;

    const described = describeAnswer({ status: 500, contentType: 'text/plain', body }, redactor);

    expect(described).toBe(`HTTP 500 (text/plain): ${'x'.repeat(150)}[redacted]`);
  });
});
