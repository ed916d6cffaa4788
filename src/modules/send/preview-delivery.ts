import type { Logger } from 'pino';
import { createSlackMessenger, type SlackMessage } from '../../shared/slack-messenger';
import { signButton } from './domain/button-token';
import { tryOpen } from './domain/decisions';
import type { NewDraft, TriggerMessage } from './domain/ports';
import type { Draft, DraftContent, Outcome, PreviewKind } from './domain/types';
import type { ButtonAction } from './domain/button-token';
import type { TellResult } from './domain/sweep-drafts';
import type { MarkRecipients } from './domain/recipient-marks';
import { outcomeMessage, previewMessage } from './blocks';

export interface PreviewDeps {
  slack: Parameters<typeof createSlackMessenger>[0];
  signingKey: string;
  timeoutMs: number;
  /** The draft's content, for the outcome's wording; a draft that cannot be opened is told without it. */
  openContent(draft: Draft): DraftContent;
  /** The connect prompt (with a fresh pairing link) for a person who has no working connection. */
  prompt(teamId: string, userId: string, purpose: 'connect'): Promise<SlackMessage>;
  /** The external and new marks beside each recipient. */
  marks?: MarkRecipients;
  log: Logger;
}

/** Slack errors after which an update of this preview can never succeed. */
const GONE_ERRORS = new Set([
  'message_not_found',
  'channel_not_found',
  'cant_update_message',
  'edit_window_closed',
  'is_archived',
  'not_in_channel',
  'account_inactive',
]);

/**
 * A response_url answers 404 once expired or used up (and other 4xx for a request it will never
 * take); 429 and 5xx may pass. A Web API error names itself in `data.error`.
 */
function isGone(err: unknown): boolean {
  const e = err as { status?: number; data?: { error?: string } };
  if (typeof e.status === 'number') return e.status >= 400 && e.status < 500 && e.status !== 429;
  return GONE_ERRORS.has(e.data?.error ?? '');
}

/** Where the trigger was (thread kept), as an ephemeral only its author sees; a DM when that fails. */
export function createPreviewDelivery(deps: PreviewDeps) {
  const messenger = createSlackMessenger(deps.slack);
  async function toOwner(
    at: { channelId: string; threadTs: string | null; userId: string },
    message: SlackMessage,
  ): Promise<{ kind: PreviewKind; channel?: string; ts?: string }> {
    try {
      await messenger.ephemeral({
        channel: at.channelId,
        user: at.userId,
        threadTs: at.threadTs ?? undefined,
        ...message,
      });
      return { kind: 'ephemeral' };
    } catch (err) {
      deps.log.warn(
        { err: { message: (err as Error).message }, channel: at.channelId },
        'ephemeral not delivered; sending a DM instead',
      );
      const dm = await messenger.dm(at.userId, message);
      return { kind: 'dm', channel: dm.channel, ts: dm.ts };
    }
  }

  async function postToResponseUrl(url: string, message: SlackMessage): Promise<void> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: message.text, blocks: message.blocks }),
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    if (!res.ok)
      throw Object.assign(new Error(`response_url answered ${res.status}`), { status: res.status });
  }

  /** The preview of this version of the draft: every button names the version it shows. */
  async function preview(draft: NewDraft, content: DraftContent): Promise<SlackMessage> {
    const button = (action: ButtonAction) =>
      signButton(deps.signingKey, {
        draftId: draft.id,
        userId: draft.userId,
        teamId: draft.teamId,
        action,
        expiresAt: draft.expiresAt,
        version: draft.version,
      });
    return previewMessage({
      content,
      expiresAt: draft.expiresAt,
      sendValue: button('send'),
      cancelValue: button('cancel'),
      editValue: button('edit'),
      viewValue: button('view'),
      marks: deps.marks ? await deps.marks(draft, content) : undefined,
    });
  }

  return {
    /** Shows the trigger's author how to connect (or reconnect), where the trigger was. Best effort. */
    async promptConnect(trigger: TriggerMessage): Promise<void> {
      const owner = { ...trigger, userId: trigger.userId! };
      try {
        await toOwner(owner, await deps.prompt(owner.teamId, owner.userId, 'connect'));
      } catch (err) {
        deps.log.warn({ err: { message: (err as Error).message } }, 'could not show the connect prompt');
      }
    },
    async postPreview(draft: NewDraft, content: DraftContent) {
      return toOwner(draft, await preview(draft, content));
    },
    /**
     * Replaces the preview with the edited email (same layout, buttons for the new version):
     * chat.update for a DM preview, the Edit click's response_url for an ephemeral one. Throws when
     * Slack refused it.
     */
    async showEdited(draft: Draft, content: DraftContent, responseUrl: string | undefined): Promise<void> {
      const message = await preview(draft, content);
      if (draft.previewKind === 'dm' && draft.previewChannel && draft.previewTs) {
        await messenger.update({ channel: draft.previewChannel, ts: draft.previewTs, ...message });
      } else if (responseUrl) {
        await postToResponseUrl(responseUrl, message);
      } else {
        throw new Error('the preview cannot be replaced: no response_url');
      }
    },
    /**
     * Replaces the preview with the outcome: chat.update for a DM preview, the click's response_url
     * for an ephemeral one (an ephemeral nobody clicked cannot be changed: nothing to do). Never
     * throws; `retry` when Slack failed, `gone` when it never will take it.
     */
    async show(draft: Draft, outcome: Outcome): Promise<TellResult> {
      const message = outcomeMessage(outcome, tryOpen(deps.openContent, draft));
      try {
        if (draft.previewKind === 'dm' && draft.previewChannel && draft.previewTs) {
          await messenger.update({ channel: draft.previewChannel, ts: draft.previewTs, ...message });
        } else if (draft.responseUrl) {
          await postToResponseUrl(draft.responseUrl, message);
        }
        return 'shown';
      } catch (err) {
        deps.log.warn(
          { err: { message: (err as Error).message }, draftId: draft.id, outcome: outcome.kind },
          'could not update the email preview',
        );
        return isGone(err) ? 'gone' : 'retry';
      }
    },
  };
}

export type PreviewDelivery = ReturnType<typeof createPreviewDelivery>;
