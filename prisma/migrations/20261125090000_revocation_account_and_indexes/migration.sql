-- AlterTable
ALTER TABLE "pending_revocations" ADD COLUMN "google_sub" TEXT;

-- CreateIndex
CREATE INDEX "pending_revocations_done_at_idx" ON "pending_revocations"("done_at");

-- CreateIndex
CREATE INDEX "oauth_attempts_pairing_id_idx" ON "oauth_attempts"("pairing_id");
