-- AlterTable: the workspace of a trigger's author (Slack Connect brings authors from other workspaces).
ALTER TABLE "trigger_messages" ADD COLUMN "author_team_id" TEXT;

-- AlterTable: the final outcome the person's preview shows, so the sweep can finish what a killed
-- process left showing "Sending…". Drafts already finished are taken as shown.
ALTER TABLE "email_drafts" ADD COLUMN "preview_outcome" TEXT;
UPDATE "email_drafts" SET "preview_outcome" = "status"
WHERE "status" IN ('sent', 'cancelled', 'expired', 'failed', 'outcome_unknown');
CREATE INDEX "email_drafts_status_preview_outcome_idx" ON "email_drafts"("status", "preview_outcome");
