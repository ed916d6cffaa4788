import type { ConnectModule } from '../connect';
import type { TriggersModule } from '../triggers';
import type { DraftView } from './domain/draft-view';
import type { SenderConnection } from './domain/ports';
import type { StageDraft } from './domain/stage-draft';
import type { RecentEmail } from './recent-emails';
import type { RefreshHome } from '../../shared/home-refresh';

/** What the other modules use of send. */
export interface SendModule {
  /** Cancels the person's open confirmations: they were made for a grant that no longer holds. */
  cancelOpen(connection: SenderConnection, reason: 'connection_changed' | 'disconnected'): Promise<void>;
  /** Stages an email for its owner's click on Send (the assistant's send_email); never sends. */
  stage: StageDraft;
  /** What the assistant may learn of a staged email; undefined when no draft has this id. */
  status(id: string): Promise<DraftView | undefined>;
  /** The person's most recent staged emails, newest first, content opened (for their own App Home only). */
  recent(teamId: string, userId: string, take: number): Promise<RecentEmail[]>;
}

/** What send uses of the other modules. */
export interface SendNeeds {
  connect: Pick<ConnectModule, 'connections' | 'accessTokens' | 'prompt'>;
  triggers: Pick<TriggersModule, 'findByTs'>;
  /** Told when a draft the person's App Home lists changes. */
  refreshHome: RefreshHome;
}
