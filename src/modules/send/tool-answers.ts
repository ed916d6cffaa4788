import { z } from 'zod';
import { sendErrors } from './domain/errors';
import type { StagedDraft } from './domain/stage-draft';
import type { DraftView } from './domain/draft-view';

export const stagedEmailAnswer = z.object({
  status: z.literal('pending_confirmation'),
  id: z.uuid(),
  expires_at: z.iso.datetime(),
  confirmation: z
    .enum(['ephemeral', 'direct_message'])
    .describe('Where the person was shown the preview with the Send button.'),
});
type StagedEmailAnswer = z.infer<typeof stagedEmailAnswer>;

/** What get_email_status answers (a DraftView). */
export const emailStatusAnswer = z.object({
  id: z.uuid(),
  status: z.enum([
    'pending_confirmation',
    'sending',
    'sent',
    'cancelled',
    'expired',
    'failed',
    'outcome_unknown',
  ]),
  expires_at: z.iso.datetime(),
  recipient_count: z.int(),
  edited: z.boolean().describe('Whether the person edited the email in Slack before confirming.'),
  sent_at: z.iso.datetime().optional(),
  gmail_message_id: z.string().optional(),
  reason: z.string().optional().describe('Why the email failed or was not sent.'),
  content: z.literal('purged').optional().describe('Set once retention removed the content.'),
});

/** Every refusal's body: the code and message, with details such as the field. */
export const toolErrorAnswer = z.looseObject({
  error: z.string().describe('A stable code, e.g. not_connected.'),
  message: z.string().describe('What went wrong, in words the assistant can relay.'),
});

/** The answer to an accepted send_email call: staged, waiting for the person's click. */
export const stagedAnswer = (staged: StagedDraft): StagedEmailAnswer => ({
  status: 'pending_confirmation',
  id: staged.id,
  expires_at: staged.expiresAt.toISOString(),
  confirmation: staged.previewKind === 'dm' ? 'direct_message' : 'ephemeral',
});

/**
 * A staged email's state. Any string is a valid id to ask about: one that names no email, malformed or not,
 * is `not_found`, and a malformed one is never looked up (drafts are keyed by UUID).
 */
export async function stagedEmail(
  status: (id: string) => Promise<DraftView | undefined>,
  id: string,
): Promise<DraftView> {
  const view = z.uuid().safeParse(id).success ? await status(id) : undefined;
  if (!view) throw sendErrors.fail('not_found', 'no staged email has this id');
  return view;
}
