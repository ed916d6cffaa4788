-- AlterTable: the version of a draft's content. It starts at 1 and grows by one with each edit the
-- owner makes before Send; every Send names the version the person saw, and the claim succeeds only
-- while the draft is still at that version, so the email sent is always the last version seen.
ALTER TABLE "email_drafts" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "email_drafts" ADD COLUMN "edited_at" TIMESTAMPTZ(3);
