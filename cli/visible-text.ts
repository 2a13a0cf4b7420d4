import { INVISIBLE_CHARACTER } from '../lib/invisible-characters';

/** Every invisible character but the line break, which the tool's own output is made of. */
const SHOWN_AS_ESCAPE = new RegExp(`(?!\\n)${INVISIBLE_CHARACTER.source}`, 'gu');

/**
 * Text to print, with every control and format character but the line break written as \uXXXX (one per
 * UTF-16 unit, as JSON writes them): a value from an outputs file or an answer that holds ESC cannot
 * drive the terminal, and U+202E cannot reorder what is shown. Inside a JSON string the escape is
 * JSON's own, so --format json still reads back as the same value.
 */
export function visibleText(text: string): string {
  return text.replace(SHOWN_AS_ESCAPE, (char) =>
    Array.from({ length: char.length }, (_, index) => `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`).join(''),
  );
}
