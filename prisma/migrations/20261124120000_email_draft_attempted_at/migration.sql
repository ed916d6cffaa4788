-- AlterTable
ALTER TABLE "email_drafts" ADD COLUMN "attempted_at" TIMESTAMPTZ(3);
