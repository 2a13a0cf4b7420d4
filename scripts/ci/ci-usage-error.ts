/** The command cannot run as asked (a bad variable, no cdktf.out): exit code 2, nothing changed. */
export class CiUsageError extends Error {}
