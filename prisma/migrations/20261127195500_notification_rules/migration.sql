-- CreateTable: each person's notification rules (absent = every email, categories skipped, no quiet hours,
-- each email at once). `senders` holds addresses and domains; empty means every sender.
CREATE TABLE "notification_rules" (
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "senders" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "skip_categories" TEXT[] NOT NULL DEFAULT ARRAY['CATEGORY_PROMOTIONS','CATEGORY_SOCIAL','CATEGORY_UPDATES','CATEGORY_FORUMS']::TEXT[],
    "quiet_start" INTEGER,
    "quiet_end" INTEGER,
    "delivery" TEXT NOT NULL DEFAULT 'each',
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_rules_pkey" PRIMARY KEY ("team_id", "user_id")
);

-- CreateTable: mail held for a later digest (quiet hours or a digest delivery mode), until it is announced.
-- Sender, subject, thread and labels are sealed (as draft content is), bound to the mailbox and message.
CREATE TABLE "held_notifications" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mailbox_id" UUID NOT NULL,
    "gmail_message_id" TEXT NOT NULL,
    "sealed_headers" BYTEA NOT NULL,
    "key_version" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "held_notifications_pkey" PRIMARY KEY ("mailbox_id", "gmail_message_id")
);

-- CreateIndex: `id` names a row for the key rotation, which re-seals row by row.
CREATE UNIQUE INDEX "held_notifications_id_key" ON "held_notifications"("id");

-- CreateIndex
CREATE INDEX "held_notifications_due_at_idx" ON "held_notifications"("due_at");

-- AddForeignKey
ALTER TABLE "held_notifications" ADD CONSTRAINT "held_notifications_mailbox_id_fkey" FOREIGN KEY ("mailbox_id") REFERENCES "mailboxes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
