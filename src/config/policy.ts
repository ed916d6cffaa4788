import { domainList, flag } from './fields';

/** Who may be written to and who may connect what: the deployment's policy (SPEC section 2). */
export const policyFields = {
  /** Whether a Slack Connect author (from another workspace) may have an email staged for them. */
  ALLOW_SLACK_CONNECT_TRIGGERS: flag(false),
  /** When set, every recipient must be in one of these domains (exact match; subdomains listed on their own). */
  SEND_ALLOWED_DOMAINS: domainList('example.com,partner.org'),
  /** Recipients in these domains are refused (exact match; subdomains listed on their own). */
  SEND_BLOCKED_DOMAINS: domainList('competitor.com'),
  /** The workspace's own email domains; recipients elsewhere are marked external (empty: the connected account's domain). */
  WORKSPACE_EMAIL_DOMAINS: domainList('example.com,example.org'),
  /** Whether one Google account may be connected by several Slack people of a workspace at once. */
  ALLOW_SHARED_MAILBOXES: flag(false),
};
