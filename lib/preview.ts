const PREVIEW_LIMIT = 80;

/**
 * A value as JSON, cut to a readable length: how messages show what they were given. Every character
 * outside printable ASCII is written as a \u escape, so that a look-alike letter (a Cyrillic "а" in a
 * name) or an invisible one (U+200B, U+202E) shows in the message instead of hiding in it.
 */
export function preview(value: unknown): string {
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would show as null.
  if (value === Infinity) return `a number above ${Number.MAX_VALUE}`;
  if (value === -Infinity) return `a number below -${Number.MAX_VALUE}`;
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  shown = shown.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > PREVIEW_LIMIT ? `${shown.slice(0, PREVIEW_LIMIT)}... (${sizeOf(value, shown)})` : shown;
}

/** How long the value itself is: a text's characters (without the quotes and escapes shown), a list's items. */
function sizeOf(value: unknown, shown: string): string {
  if (typeof value === 'string') return `${value.length} characters`;
  if (Array.isArray(value)) return `${value.length} items`;
  return `${shown.length} characters of JSON`;
}
