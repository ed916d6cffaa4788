import { randomHex } from './ids';

interface Trigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

/** Trigger ids: issued with every interaction, valid for one views.open/push within their lifetime. */
export class Triggers {
  private readonly issued = new Map<string, Trigger>();
  private expiredBefore = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A trigger id for `userId` (a test may choose the id). */
  issue(userId: string, chosen?: string): string {
    const id = chosen ?? `${this.now()}.${Math.floor(Math.random() * 1e9)}.${randomHex(8)}`;
    this.issued.set(id, { userId, issuedAt: this.now(), used: false });
    return id;
  }

  /** Every trigger issued so far counts as expired. */
  expireAll(): void {
    this.expiredBefore = this.now() + 1;
  }

  /** The user a trigger id opens views for, or the Slack error that refuses it. */
  take(id: string | undefined): { userId: string } | { error: string } {
    const t = id === undefined ? undefined : this.issued.get(id);
    if (!t) return { error: 'invalid_trigger_id' };
    if (t.issuedAt < this.expiredBefore || this.now() - t.issuedAt > this.ttlMs)
      return { error: 'expired_trigger_id' };
    if (t.used) return { error: 'exchanged_trigger_id' };
    t.used = true;
    return { userId: t.userId };
  }
}
