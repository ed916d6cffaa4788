-- AlterTable: whether a trigger's author belongs to this workspace (or its Enterprise Grid
-- organisation): true member, false from elsewhere (Slack Connect), NULL when Slack did not say in
-- an externally shared channel. Staging refuses anything but true unless Slack Connect authors are
-- allowed. Rows recorded before this column existed keep the rule they were recorded under.
ALTER TABLE "trigger_messages" ADD COLUMN "author_is_member" BOOLEAN;
UPDATE "trigger_messages"
SET "author_is_member" = ("author_team_id" IS NULL OR "author_team_id" = "team_id");
-- During a rolling deploy, machines still on the code from before this column insert rows without it:
-- they get the rule they ran under (member), not "unknown" (which would refuse every trigger they
-- record). This code always writes the column itself, NULL included.
ALTER TABLE "trigger_messages" ALTER COLUMN "author_is_member" SET DEFAULT true;

-- AlterTable: the sweep's preview repair backs off per draft, so a preview Slack keeps refusing
-- neither stays at the head of the sweep nor is retried in a tight loop.
ALTER TABLE "email_drafts" ADD COLUMN "preview_tries" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "email_drafts" ADD COLUMN "preview_tried_at" TIMESTAMPTZ(3);

-- Only drafts whose preview lags their status are ever looked up by the repair sweep; a partial
-- index keeps that lookup small however many finished drafts are kept.
CREATE INDEX "email_drafts_preview_lagging_idx" ON "email_drafts"("preview_tried_at", "updated_at")
WHERE "preview_outcome" IS DISTINCT FROM "status";
