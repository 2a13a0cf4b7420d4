/**
 * Control and format characters (Unicode Cc and Cf): zero-width spaces, U+202A-U+202E and U+2066-U+2069,
 * which reorder text, and ESC, which starts a terminal's escape sequences. A reader cannot see them, in
 * Terraform strings, Okta's UI and the AWS console as in a terminal.
 */
export const INVISIBLE_CHARACTER = /[\p{Cc}\p{Cf}]/u;
