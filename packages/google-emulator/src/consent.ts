import { escapeHtml } from './http';
import { SIGN_IN_SCOPES } from './oauth-store';
import type { Account, ConsentRule } from './types';

/** The consent the next authorize requests get; none set means "first account, grant all, approve". */
export class ConsentPolicy {
  private rule: (ConsentRule & { left: number }) | undefined;

  set(rule: ConsentRule): void {
    this.rule = { ...rule, left: rule.times ?? Number.POSITIVE_INFINITY };
  }

  get explicit(): boolean {
    return this.rule !== undefined && this.rule.left > 0;
  }

  /** The rule for one authorize request, counting down its `times`. */
  take(): ConsentRule {
    if (!this.rule || this.rule.left <= 0) return {};
    this.rule.left -= 1;
    return this.rule;
  }
}

/** The optional interactive page: account chooser, tickable non-sign-in scopes, Allow/Deny. */
export function consentPage(
  action: string,
  requestId: string,
  clientId: string,
  accounts: Account[],
  scopes: string[],
): string {
  const accountInputs = accounts
    .map(
      (a, i) =>
        `<label><input type="radio" name="email" value="${escapeHtml(a.email)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(a.name)} &lt;${escapeHtml(a.email)}&gt;</label><br>`,
    )
    .join('\n');
  const newAccount = `<label><input type="radio" name="email" value=""${accounts.length === 0 ? ' checked' : ''}> Another account: <input name="newEmail" type="email" placeholder="someone@example.com"></label>`;
  const scopeInputs = scopes
    .map((s) => {
      const fixed = SIGN_IN_SCOPES.has(s);
      return `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked${fixed ? ' disabled' : ''}> ${escapeHtml(s)}</label><br>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Google Accounts (emulator)</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem">
<h1>Choose an account</h1>
<p>to continue to <code>${escapeHtml(clientId)}</code> (local Google emulator)</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<fieldset><legend>Account</legend>
${accountInputs}
${newAccount}
</fieldset>
<fieldset><legend>Allow access to</legend>
${scopeInputs}
</fieldset>
<p><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Cancel</button></p>
</form></body></html>`;
}
