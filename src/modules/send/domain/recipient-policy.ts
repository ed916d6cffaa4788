import { sendErrors } from './errors';
import type { AppError } from '../../../shared/errors';
import type { Mailbox } from './types';

/**
 * The deployment's recipient policy (`SEND_ALLOWED_DOMAINS`, `SEND_BLOCKED_DOMAINS`). Domains are compared
 * exactly, without case: `example.com` covers `ana@example.com` and `ana@EXAMPLE.com`, never
 * `ana@mail.example.com` (a subdomain is listed on its own when it is meant).
 */
export interface RecipientPolicy {
  /** When set (non-empty), every recipient's domain must be one of these. */
  allowedDomains?: readonly string[];
  /** Recipients in these domains are refused, whatever the allowed list says. */
  blockedDomains?: readonly string[];
}

/** The recipients of a draft, as staging and the Edit modal validate them. */
export interface DraftRecipients {
  to: readonly Mailbox[];
  cc: readonly Mailbox[];
  bcc: readonly Mailbox[];
}

/** `Example.COM.` → `example.com`: the form both the policy and the addresses are compared in. */
export const normalDomain = (domain: string): string => domain.trim().toLowerCase().replace(/\.$/, '');

const domainOf = (address: string): string => normalDomain(address.slice(address.lastIndexOf('@') + 1));

const shown = (domains: readonly string[]): string =>
  domains.length <= 5
    ? domains.join(', ')
    : `${domains.slice(0, 5).join(', ')} and ${domains.length - 5} more`;

/**
 * The first recipient (in to, cc, bcc order) the policy refuses, as the error the caller answers with:
 * `recipient_domain_blocked` or `recipient_domain_not_allowed`, with `details.field` (e.g. `cc[1]`),
 * `details.address` and `details.domain`. Undefined when every recipient may be written to. Pure.
 */
export function recipientPolicyProblem(
  draft: DraftRecipients,
  policy: RecipientPolicy,
): AppError | undefined {
  const blocked = new Set((policy.blockedDomains ?? []).map(normalDomain));
  const allowedList = (policy.allowedDomains ?? []).map(normalDomain);
  const allowed = allowedList.length > 0 ? new Set(allowedList) : undefined;
  for (const field of ['to', 'cc', 'bcc'] as const) {
    for (const [i, { address }] of draft[field].entries()) {
      const domain = domainOf(address);
      const details = { field: `${field}[${i}]`, address, domain };
      if (blocked.has(domain)) {
        return sendErrors.fail(
          'recipient_domain_blocked',
          `${field}[${i}]: ${address} is in ${domain}, a domain this workspace does not send email to`,
          { details },
        );
      }
      if (allowed && !allowed.has(domain)) {
        return sendErrors.fail(
          'recipient_domain_not_allowed',
          `${field}[${i}]: ${address} is outside the domains this workspace sends email to (${shown(allowedList)})`,
          { details },
        );
      }
    }
  }
  return undefined;
}

/** The same check, throwing the refusal (the shape of edit-ports' `RecipientCheck`). */
export function assertRecipientPolicy(draft: DraftRecipients, policy: RecipientPolicy): void {
  const problem = recipientPolicyProblem(draft, policy);
  if (problem) throw problem;
}
