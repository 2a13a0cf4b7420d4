import { Redactor } from '../../cli/redactor';

describe('Redactor', () => {
  it('replaces a secret in the forms it is sent in: raw, form-urlencoded and percent-encoded', () => {
    const redactor = new Redactor();
    redactor.addSecret('a b+c');

    expect(redactor.redact('raw a b+c, form a+b%2Bc, uri a%20b%2Bc')).toBe('raw [redacted], form [redacted], uri [redacted]');
  });

  it('ignores an empty secret or exact value (an unset variable), leaving the text as it is', () => {
    const redactor = new Redactor();
    redactor.addSecret('');
    redactor.addExact('');

    expect(redactor.redact('client ID 0oa1')).toBe('client ID 0oa1');
  });

  it('replaces the longest registered value first, so that no piece of it is left', () => {
    const redactor = new Redactor();
    redactor.addExact('abc');
    redactor.addExact('xxabcxx');

    expect(redactor.redact('-xxabcxx-')).toBe('-[redacted]-');
  });

  it('replaces anything shaped like a JWT, even when nobody registered it', () => {
    const jwt = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2lnbmF0dXJl`;

    expect(new Redactor().redact(`token ${jwt} end`)).toBe('token [redacted] end');
  });

  it('leaves text without secrets as it is', () => {
    expect(new Redactor().redact('nothing to hide')).toBe('nothing to hide');
  });
});
