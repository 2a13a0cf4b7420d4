import { Redactor, shortSecretProblem } from '../../cli/redactor';

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

  it('replaces every JWT in a text, not only the first', () => {
    const jwt = (subject: string) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(`{"sub":"${subject}"}`).toString('base64url')}.c2lnbmF0dXJl`;

    expect(new Redactor().redact(`first ${jwt('a')}, second ${jwt('b')}`)).toBe('first [redacted], second [redacted]');
  });

  it('replaces a value shorter than 8 characters only where it stands alone, so that words keep their letters', () => {
    const redactor = new Redactor();
    redactor.addSecret('x');

    expect(redactor.redact('example x, (x) x-ray box')).toBe('example [redacted], ([redacted]) [redacted]-ray box');
  });

  it('replaces a value of 7 characters only alone, and one of 8 wherever it is', () => {
    const redactor = new Redactor();
    redactor.addExact('abcdefg');
    redactor.addExact('12345678');

    expect(redactor.redact('abcdefgh abcdefg x123456789')).toBe('abcdefgh [redacted] x[redacted]9');
  });

  it('takes characters of a short value literally, not as a pattern', () => {
    const redactor = new Redactor();
    redactor.addExact('a.c');

    expect(redactor.redact('abc a.c')).toBe('abc [redacted]');
  });

  it('leaves text without secrets as it is', () => {
    expect(new Redactor().redact('nothing to hide')).toBe('nothing to hide');
  });
});

describe('shortSecretProblem', () => {
  it('refuses a credential of 7 characters, naming its length but not its value', () => {
    expect(shortSecretProblem('abcdefg', 'FORTANIX_ARMOR_API_KEY')).toBe(
      'FORTANIX_ARMOR_API_KEY is 7 characters long (value not shown), but must be at least 8, as every credential this tool takes',
    );
    expect(shortSecretProblem('x', 'OKTA_API_TOKEN')).toBe('OKTA_API_TOKEN is 1 character long (value not shown), but must be at least 8, as every credential this tool takes');
  });

  it('takes a credential of 8 characters', () => {
    expect(shortSecretProblem('abcdefgh', 'FORTANIX_ARMOR_API_KEY')).toBeUndefined();
  });
});
