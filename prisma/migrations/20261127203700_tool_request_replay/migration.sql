-- A replayed answer is the same bytes as the first: the answer is kept as the text sent, not as JSONB
-- (which reorders object keys).
ALTER TABLE "tool_requests" ALTER COLUMN "answer" TYPE TEXT USING "answer"::text;

-- The request holding a key refreshes alive_at while it runs; a row left silent belongs to a request that
-- died (kill -9), and the next request with the key takes over at once instead of after two minutes.
ALTER TABLE "tool_requests" ADD COLUMN "alive_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Each claim of a key has its own id: only the request that inserted the row answers or frees it, so a
-- request taken over after it fell silent cannot overwrite (or delete) the row of the one that took over.
ALTER TABLE "tool_requests" ADD COLUMN "claim" UUID NOT NULL DEFAULT gen_random_uuid();

-- The keyed hash of the identical-request check, written in the draft's own INSERT: a request that takes
-- over from one that died after staging answers with that draft instead of staging a second one.
ALTER TABLE "email_drafts" ADD COLUMN "request_hash" TEXT;
CREATE INDEX "email_drafts_request_hash_idx" ON "email_drafts"("request_hash") WHERE "request_hash" IS NOT NULL;
