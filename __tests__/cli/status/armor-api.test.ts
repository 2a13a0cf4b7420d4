import { armorBaseUrl, parseArmorTime } from '../../../cli/status/armor-api';

describe('parseArmorTime', () => {
  it("reads Armor's basic ISO 8601 time as UTC", () => {
    expect(parseArmorTime('20170509T070912Z')?.toISOString()).toBe('2017-05-09T07:09:12.000Z');
  });

  it.each(['2017-05-09T07:09:12Z', '20170509T070912', '20170509T0709Z', ''])('refuses %j', (value) => {
    expect(parseArmorTime(value)).toBeUndefined();
  });
});

describe('armorBaseUrl', () => {
  it('defaults to the global host', () => {
    expect(armorBaseUrl(undefined)).toBe('https://api.armor.fortanix.com');
  });

  it('keeps a path prefix and drops a trailing slash', () => {
    expect(armorBaseUrl('https://api.na.armor.fortanix.com/')).toBe('https://api.na.armor.fortanix.com');
    expect(armorBaseUrl('http://127.0.0.1:8080/armor/')).toBe('http://127.0.0.1:8080/armor');
  });

  it('refuses a query, which would end up before the operation path', () => {
    expect(() => armorBaseUrl('https://api.armor.fortanix.com/?region=eu')).toThrow(
      'the Armor API (FORTANIX_ARMOR_URL) "https://api.armor.fortanix.com/?region=eu" must be a base URL without query or fragment',
    );
  });

  it('refuses plain http to a host that is not loopback', () => {
    expect(() => armorBaseUrl('http://api.armor.fortanix.com')).toThrow('over plain http: only https, or http to a loopback address');
  });
});
