/** What the tool's exit code tells a script. */
export const EXIT_CODES = {
  ok: 0,
  /** A check failed, or the tool met an error it does not know. */
  failed: 1,
  /** Bad command line, or an outputs file that is missing, unreadable or not what the stack writes. */
  usage: 2,
} as const;
