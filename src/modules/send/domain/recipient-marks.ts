import type { DraftContent } from './types';

/** Addresses (lower case) marked beside each recipient: outside the workspace, never sent to before. */
export interface RecipientMarks {
  external: ReadonlySet<string>;
  fresh: ReadonlySet<string>;
}

/** The addresses a person has sent to through Mailbridge (kept as keyed hashes, never in plain). */
export interface RecipientHistory {
  /** Which of `addresses` (lower case) the person has sent to; the others are new. */
  known(teamId: string, userId: string, addresses: string[]): Promise<Set<string>>;
  /** Remembers every recipient of an email that was sent. */
  remember(teamId: string, userId: string, addresses: string[]): Promise<void>;
}

/** Every recipient of the email (To, Cc, Bcc), lower case, once. */
export const recipientAddresses = (c: Pick<DraftContent, 'to' | 'cc' | 'bcc'>): string[] => [
  ...new Set([...c.to, ...c.cc, ...c.bcc].map((m) => m.address.toLowerCase())),
];

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * External: the domain is not one of the workspace's (`WORKSPACE_EMAIL_DOMAINS`, or else the
 * connected account's own domain). Domains match exactly: a subdomain is another domain (list it).
 */
export function externalAddresses(c: DraftContent, workspaceDomains: readonly string[]): Set<string> {
  const own = new Set(workspaceDomains.length ? workspaceDomains : [domainOf(c.from)]);
  return new Set(recipientAddresses(c).filter((a) => !own.has(domainOf(a))));
}

/**
 * The marks of a draft's recipients. When the history cannot be read, every recipient is marked new:
 * a missing mark must never make an address look familiar.
 */
export function createRecipientMarks(deps: {
  history: RecipientHistory;
  workspaceDomains: readonly string[];
  warn(msg: string, err: unknown): void;
}) {
  return async (draft: { teamId: string; userId: string }, c: DraftContent): Promise<RecipientMarks> => {
    const all = recipientAddresses(c);
    let known = new Set<string>();
    try {
      known = await deps.history.known(draft.teamId, draft.userId, all);
    } catch (err) {
      deps.warn('recipient history not read; every recipient is marked new', err);
    }
    return {
      external: externalAddresses(c, deps.workspaceDomains),
      fresh: new Set(all.filter((a) => !known.has(a))),
    };
  };
}

export type MarkRecipients = ReturnType<typeof createRecipientMarks>;
