-- CreateTable: the tool API's remembered requests. A row per Idempotency-Key (`k:` + keyed hash of the key)
-- or per identical send_email request without one (`c:` + keyed hash of its canonical content): the keyed
-- hash of the canonical body and, once answered, the answer (status and JSON) and the staged draft. A row
-- without an answer is a request in progress; inserting the row is what claims the key, so parallel
-- requests with one key stage one draft. Rows are purged once expired (24 hours for a key).
CREATE TABLE "tool_requests" (
    "key" TEXT NOT NULL,
    "body_hash" TEXT NOT NULL,
    "status_code" INTEGER,
    "answer" JSONB,
    "draft_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tool_requests_pkey" PRIMARY KEY ("key")
);

-- Retention deletes expired rows oldest first.
CREATE INDEX "tool_requests_expires_at_idx" ON "tool_requests"("expires_at");
