-- AlterTable: the Gmail thread a sent email belongs to, from Gmail's answer to the send (or the
-- lookup in Sent that found it); the outcome event carries it.
ALTER TABLE "email_drafts" ADD COLUMN "gmail_thread_id" TEXT;

-- CreateTable: the outbox of outcome events for the assistant's sink (AGENT_EVENTS_URL). A row is
-- written in the same transaction as the draft's change of state, so no change is lost to a crash
-- before delivery; it is deleted once the sink took it. Ids and a count only, never content.
CREATE TABLE "outcome_events" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "draft_id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "trigger_ts" TEXT NOT NULL,
    "recipient_count" INTEGER NOT NULL,
    "gmail_message_id" TEXT,
    "gmail_thread_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outcome_events_pkey" PRIMARY KEY ("id")
);

-- The sweep takes the oldest undelivered events first and drops those past their delivery window.
CREATE INDEX "outcome_events_created_at_idx" ON "outcome_events"("created_at");
