import { CLIENT_SECRET_CHECK, type CheckStatus } from './checklist';
import type { VerifyReport } from './run-verify';

const STATUS_LABELS: Readonly<Record<CheckStatus, string>> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };
const INDENT = '        ';

export function renderVerifyJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderVerifyText(report: VerifyReport): string {
  const lines = [`Verifying stack "${report.stack}" from ${report.outputsFile}`, ''];
  for (const check of report.checks) {
    lines.push(`  ${STATUS_LABELS[check.status]}  ${check.title}`);
    // A skipped check is skipped because of a failure above it, except the secret's, which says why.
    if (check.status === 'skip' && check.id !== CLIENT_SECRET_CHECK.id) continue;
    if (check.detail !== undefined) lines.push(`${INDENT}${check.detail}`);
    if (check.hint !== undefined) lines.push(`${INDENT}hint: ${check.hint}`);
  }
  if (report.token !== undefined) {
    const { token } = report;
    lines.push(
      '',
      `Access token (value not shown): ${String(token.algorithm)}, key ID ${JSON.stringify(token.keyId)}, signature ${token.signatureVerified ? 'verified' : 'NOT verified'}`,
    );
    if (token.lifetimeSeconds !== undefined) {
      lines.push(`  lifetime ${token.lifetimeSeconds} s: issued ${token.issuedAt}, expires ${token.expiresAt}`);
    }
    const names = Object.keys(token.claims);
    const width = Math.max(...names.map((name) => name.length));
    lines.push('  claims:', ...names.map((name) => `    ${name.padEnd(width)}  ${JSON.stringify(token.claims[name])}`));
  }
  lines.push('', summaryLine(report), '');
  return lines.join('\n');
}

function summaryLine(report: VerifyReport): string {
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  const total = report.checks.length;
  const skipped = count('skip');
  if (report.passed) return skipped === 0 ? `All ${total} checks passed.` : `${count('pass')} of ${total} checks passed and none failed; ${skipped} not run (SKIP above says why).`;
  return `${count('fail')} of ${total} checks failed${skipped > 0 ? `; ${skipped} not run, as they depend on a failed check` : ''}.`;
}
