const PREVIEW_LIMIT = 80;

/** A value as JSON, cut to a readable length: how messages show what they were given. */
export function preview(value: unknown): string {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return shown.length > PREVIEW_LIMIT ? `${shown.slice(0, PREVIEW_LIMIT)}... (${shown.length} characters)` : shown;
}
