/**
 * The JSON mistake finder against the real parser: JSON texts broken by one edit, which JSON.parse
 * refuses, get a mistake from the finder; where JSON.parse's own message gives a position, it is the same.
 */
import fc from 'fast-check';
import { jsonSyntaxError } from '../../../lib/config/load';

const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value, null, 2));
const edit = fc.tuple(json, fc.nat(), fc.constantFrom(...'{}[]:,"\\ \n-.e0atn\u0001'.split('')), fc.constantFrom('insert', 'replace', 'delete'));

function edited([text, at, char, kind]: [string, number, string, string]): string {
  const index = text.length === 0 ? 0 : at % text.length;
  if (kind === 'insert') return text.slice(0, index) + char + text.slice(index);
  if (kind === 'replace') return text.slice(0, index) + char + text.slice(index + 1);
  return text.slice(0, index) + text.slice(index + 1);
}

function parserError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

it('finds the mistake where JSON.parse names a position, and a mistake wherever JSON.parse fails', () => {
  fc.assert(
    fc.property(edit, (change) => {
      const text = edited(change);
      const message = parserError(text);
      fc.pre(message !== undefined);
      const found = jsonSyntaxError(text);
      expect(found.reason).not.toBe('the file is not JSON');
      const position = /at position (\d+)/.exec(message!);
      if (position) expect({ text, offset: found.offset }).toEqual({ text, offset: Number(position[1]) });
    }),
    { numRuns: 300 },
  );
});
