-- CreateTable
CREATE TABLE "trigger_messages" (
    "id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "thread_ts" TEXT,
    "user_id" TEXT,
    "bot_id" TEXT,
    "is_bot" BOOLEAN NOT NULL,
    "event_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trigger_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pairings" (
    "id" TEXT NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "failed_attempts" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "burnt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pairings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_attempts" (
    "id" TEXT NOT NULL,
    "pairing_id" TEXT NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "browser_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gmail_connections" (
    "id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "google_sub" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "scopes" TEXT[],
    "status" TEXT NOT NULL,
    "sealed_token" BYTEA,
    "key_version" TEXT,
    "connected_at" TIMESTAMPTZ(3) NOT NULL,
    "invalid_at" TIMESTAMPTZ(3),
    "invalid_notified_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gmail_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pending_revocations" (
    "id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "sealed_token" BYTEA NOT NULL,
    "key_version" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "done_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_revocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_drafts" (
    "id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "connection_id" UUID NOT NULL,
    "channel_id" TEXT NOT NULL,
    "trigger_ts" TEXT NOT NULL,
    "thread_ts" TEXT,
    "sealed_content" BYTEA NOT NULL,
    "key_version" TEXT NOT NULL,
    "recipient_count" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "message_id_header" TEXT NOT NULL,
    "gmail_message_id" TEXT,
    "failure_reason" TEXT,
    "preview_channel" TEXT,
    "preview_ts" TEXT,
    "preview_kind" TEXT,
    "response_url" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "email_drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "draft_id" UUID,
    "recipient_count" INTEGER,
    "gmail_message_id" TEXT,
    "reason" TEXT,
    "sealed_details" BYTEA,
    "key_version" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mailboxes" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "history_id" DECIMAL(30,0),
    "watch_expires_at" TIMESTAMPTZ(3),
    "state" TEXT NOT NULL DEFAULT 'ok',
    "state_reason" TEXT,
    "last_push_at" TIMESTAMPTZ(3),
    "last_sync_at" TIMESTAMPTZ(3),
    "last_notified_at" TIMESTAMPTZ(3),
    "lapse_notified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mailboxes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notified_messages" (
    "mailbox_id" UUID NOT NULL,
    "gmail_message_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notified_messages_pkey" PRIMARY KEY ("mailbox_id","gmail_message_id")
);

-- CreateIndex
CREATE INDEX "trigger_messages_ts_idx" ON "trigger_messages"("ts");

-- CreateIndex
CREATE INDEX "trigger_messages_created_at_idx" ON "trigger_messages"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "trigger_messages_team_id_channel_id_ts_key" ON "trigger_messages"("team_id", "channel_id", "ts");

-- CreateIndex
CREATE INDEX "pairings_team_id_user_id_created_at_idx" ON "pairings"("team_id", "user_id", "created_at");

-- CreateIndex
CREATE INDEX "gmail_connections_google_sub_idx" ON "gmail_connections"("google_sub");

-- CreateIndex
CREATE UNIQUE INDEX "gmail_connections_team_id_user_id_key" ON "gmail_connections"("team_id", "user_id");

-- CreateIndex
CREATE INDEX "email_drafts_team_id_user_id_status_idx" ON "email_drafts"("team_id", "user_id", "status");

-- CreateIndex
CREATE INDEX "email_drafts_status_expires_at_idx" ON "email_drafts"("status", "expires_at");

-- CreateIndex
CREATE INDEX "audit_events_team_id_user_id_created_at_idx" ON "audit_events"("team_id", "user_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_draft_id_idx" ON "audit_events"("draft_id");

-- CreateIndex
CREATE UNIQUE INDEX "mailboxes_connection_id_key" ON "mailboxes"("connection_id");

-- CreateIndex
CREATE INDEX "mailboxes_email_idx" ON "mailboxes"("email");

-- CreateIndex
CREATE INDEX "mailboxes_enabled_watch_expires_at_idx" ON "mailboxes"("enabled", "watch_expires_at");

-- CreateIndex
CREATE INDEX "notified_messages_created_at_idx" ON "notified_messages"("created_at");

-- AddForeignKey
ALTER TABLE "oauth_attempts" ADD CONSTRAINT "oauth_attempts_pairing_id_fkey" FOREIGN KEY ("pairing_id") REFERENCES "pairings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mailboxes" ADD CONSTRAINT "mailboxes_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "gmail_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notified_messages" ADD CONSTRAINT "notified_messages_mailbox_id_fkey" FOREIGN KEY ("mailbox_id") REFERENCES "mailboxes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
