-- Retention: the sealed content of a finished draft is purged (set to NULL) after DRAFT_RETENTION_DAYS;
-- the row, its status and ids stay so the tool status API still answers.
ALTER TABLE "email_drafts" ALTER COLUMN "sealed_content" DROP NOT NULL;
ALTER TABLE "email_drafts" ALTER COLUMN "key_version" DROP NOT NULL;

-- Only drafts that still hold content are indexed, so the purge never rescans rows it already emptied.
-- (Prisma's schema cannot express a partial index; schema.prisma notes it.)
CREATE INDEX "email_drafts_content_updated_at_idx" ON "email_drafts" ("updated_at") WHERE "sealed_content" IS NOT NULL;

-- Audit rows older than AUDIT_RETENTION_DAYS are deleted, oldest first.
CREATE INDEX "audit_events_created_at_idx" ON "audit_events" ("created_at");
