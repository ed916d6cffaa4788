#!/usr/bin/env bash
# Prepares the Google Cloud project for Mailbridge's Gmail push notifications: enables the APIs, creates the
# topic Gmail publishes to, the service account Pub/Sub signs push tokens as, and the authenticated push
# subscription; then prints the values to configure and the steps only the console can do (OAuth client).
#
# Safe to run again, e.g. after PUBLIC_BASE_URL changed: existing resources are kept, grants are re-applied
# and the subscription's push settings are updated in place.
#
# Usage:
#   PROJECT_ID=my-project PUBLIC_BASE_URL=https://mailbridge.fly.dev deploy/gcp-setup.sh
# Optional: TOPIC (default gmail-push), SUBSCRIPTION (default gmail-push-sub), PUSH_SA (default mailbridge-push).
#
# Run it logged in to gcloud as someone who may enable services and manage Pub/Sub, service accounts and
# their IAM policies, and act as the new service account (a project Owner can).
set -euo pipefail

die() {
  echo "gcp-setup: $*" >&2
  exit 1
}

step() {
  echo "==> $*" >&2
}

command -v gcloud >/dev/null 2>&1 || die "gcloud is not installed (Google Cloud SDK)."

[[ -n "${PROJECT_ID:-}" ]] || die "PROJECT_ID is required: the Google Cloud project id, e.g. PROJECT_ID=my-project"
[[ -n "${PUBLIC_BASE_URL:-}" ]] ||
  die "PUBLIC_BASE_URL is required: the service's external https URL, e.g. PUBLIC_BASE_URL=https://mailbridge.fly.dev"
while [[ "$PUBLIC_BASE_URL" == */ ]]; do PUBLIC_BASE_URL="${PUBLIC_BASE_URL%/}"; done
[[ "$PUBLIC_BASE_URL" =~ ^https://[^/]+ ]] ||
  die "PUBLIC_BASE_URL must be an https:// URL (Pub/Sub pushes only to HTTPS), got: $PUBLIC_BASE_URL"

TOPIC="${TOPIC:-gmail-push}"
SUBSCRIPTION="${SUBSCRIPTION:-gmail-push-sub}"
PUSH_SA="${PUSH_SA:-mailbridge-push}"
[[ "$PUSH_SA" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] ||
  die "PUSH_SA must be 6-30 lowercase letters, digits or hyphens, starting with a letter, got: $PUSH_SA"

PUSH_ENDPOINT="$PUBLIC_BASE_URL/pubsub/gmail"
TOPIC_PATH="projects/$PROJECT_ID/topics/$TOPIC"
SA_EMAIL="$PUSH_SA@$PROJECT_ID.iam.gserviceaccount.com"
GMAIL_PUBLISHER="serviceAccount:gmail-api-push@system.gserviceaccount.com"

gc() {
  gcloud "$@" --project="$PROJECT_ID" --quiet
}

# IAM takes a few seconds to see a service account or service agent that was just created.
retry() {
  local attempt
  for attempt in 1 2 3 4 5 6; do
    if "$@"; then return 0; fi
    ((attempt < 6)) || return 1
    echo "    not visible yet; retrying in 10 s" >&2
    sleep 10
  done
}

step "Enabling the Gmail and Pub/Sub APIs in $PROJECT_ID"
gc services enable gmail.googleapis.com pubsub.googleapis.com

PROJECT_NUMBER="$(gc projects describe "$PROJECT_ID" --format='value(projectNumber)')"
[[ -n "$PROJECT_NUMBER" ]] || die "could not read the project number of $PROJECT_ID"
PUBSUB_AGENT="serviceAccount:service-$PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com"

step "Topic $TOPIC_PATH"
if gc pubsub topics describe "$TOPIC" >/dev/null 2>&1; then
  echo "    exists" >&2
else
  gc pubsub topics create "$TOPIC"
fi

step "Allowing Gmail to publish to $TOPIC"
gc pubsub topics add-iam-policy-binding "$TOPIC" --member="$GMAIL_PUBLISHER" --role=roles/pubsub.publisher >/dev/null

step "Service account $SA_EMAIL (the identity of push requests)"
if gc iam service-accounts describe "$SA_EMAIL" >/dev/null 2>&1; then
  echo "    exists" >&2
else
  gc iam service-accounts create "$PUSH_SA" \
    --display-name="Mailbridge Gmail push" \
    --description="Pub/Sub signs the OIDC tokens of Gmail push requests to Mailbridge as this account."
fi

# Projects created before April 2021 need this for OIDC-authenticated push; newer ones have it implicitly.
step "Allowing the Pub/Sub service agent to create tokens for $SA_EMAIL"
retry gc iam service-accounts add-iam-policy-binding "$SA_EMAIL" \
  --member="$PUBSUB_AGENT" --role=roles/iam.serviceAccountTokenCreator --condition=None >/dev/null

push_settings=(
  --push-endpoint="$PUSH_ENDPOINT"
  --push-auth-service-account="$SA_EMAIL"
  --push-auth-token-audience="$PUSH_ENDPOINT"
  --ack-deadline=30
  --message-retention-duration=1d
  --min-retry-delay=10s
  --max-retry-delay=600s
  # A subscription that sees no message for 31 days is deleted by default; this one must outlive quiet months.
  --expiration-period=never
)

step "Push subscription $SUBSCRIPTION → $PUSH_ENDPOINT"
if current_topic="$(gc pubsub subscriptions describe "$SUBSCRIPTION" --format='value(topic)' 2>/dev/null)"; then
  [[ "$current_topic" == "$TOPIC_PATH" ]] ||
    die "subscription $SUBSCRIPTION exists but is attached to $current_topic, not $TOPIC_PATH; delete it or choose another SUBSCRIPTION"
  retry gc pubsub subscriptions update "$SUBSCRIPTION" "${push_settings[@]}"
else
  retry gc pubsub subscriptions create "$SUBSCRIPTION" --topic="$TOPIC" "${push_settings[@]}"
fi

cat <<EOF

Google Cloud is ready. Configure the service with:

  GMAIL_PUBSUB_TOPIC=$TOPIC_PATH
  GMAIL_PUSH_AUDIENCE=$PUSH_ENDPOINT
  GMAIL_PUSH_SERVICE_ACCOUNT=$SA_EMAIL

  e.g. fly secrets set GMAIL_PUBSUB_TOPIC=$TOPIC_PATH GMAIL_PUSH_AUDIENCE=$PUSH_ENDPOINT GMAIL_PUSH_SERVICE_ACCOUNT=$SA_EMAIL

Still to do by hand in the Google Cloud console, project $PROJECT_ID (APIs & Services → Google Auth Platform):

  1. Branding (OAuth consent screen): app name, support email, and the domain of $PUBLIC_BASE_URL
     under authorized domains.
  2. Audience: "Internal" if every user is in your Google Workspace organization; otherwise "External".
     An External app in "Testing" status only accepts the listed test users, and their refresh tokens
     expire after 7 days (users must reconnect weekly); publish it for real use. gmail.send is a sensitive
     and gmail.metadata a restricted scope, so a published External app needs Google's verification.
  3. Data access: add the scopes
       https://www.googleapis.com/auth/gmail.send
       https://www.googleapis.com/auth/gmail.metadata   (new-mail notifications)
       openid
       https://www.googleapis.com/auth/userinfo.email  (shown as "email")
  4. Clients → Create client → Web application, with the authorized redirect URI
       $PUBLIC_BASE_URL/oauth/google/callback
     then set GMAIL_OAUTH_CLIENT_ID and GMAIL_OAUTH_CLIENT_SECRET from it. Create the client in this
     project: Gmail only publishes to a topic of the project the OAuth client belongs to.
EOF
