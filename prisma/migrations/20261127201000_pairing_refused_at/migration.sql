-- AlterTable: a pairing refused because someone else signed in with Slack on it carries its own mark.
-- `consume` must find it empty, so no clock difference between machines lets the owner's code undo a
-- refusal (`burnt_at` is also cleared by consume's refund of a reserved check, so it cannot be that mark).
ALTER TABLE "pairings" ADD COLUMN "refused_at" TIMESTAMPTZ(3);

-- Pairings refused before this column existed: burnt with checks left (wrong codes burn at the fifth).
UPDATE "pairings" SET "refused_at" = "burnt_at" WHERE "burnt_at" IS NOT NULL AND "failed_attempts" < 5;
