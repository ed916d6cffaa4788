-- CreateTable: the addresses each person has sent email to through Mailbridge, kept as keyed hashes
-- (HMAC-SHA256 of team, user and address under the app's signing key), never as plain addresses.
-- A preview marks every recipient without a row here as "new"; a row is written when a send succeeds.
CREATE TABLE "sent_recipients" (
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "address_hash" TEXT NOT NULL,
    "first_sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sent_recipients_pkey" PRIMARY KEY ("team_id", "user_id", "address_hash")
);
