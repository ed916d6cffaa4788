-- AlterTable: a Gmail message's row is written as an intent ('pending') before its Slack post and
-- becomes 'posted' after it, so a crash in between is reconciled against Slack instead of re-posted.
-- Existing rows were all written after their post.
ALTER TABLE "notified_messages" ADD COLUMN "state" TEXT NOT NULL DEFAULT 'posted';

-- CreateIndex
CREATE INDEX "notified_messages_state_mailbox_id_idx" ON "notified_messages"("state", "mailbox_id");
