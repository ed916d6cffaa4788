-- AlterTable: retries are counted per draft (not per job) and their due time survives restarts.
ALTER TABLE "email_drafts" ADD COLUMN "send_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3);
