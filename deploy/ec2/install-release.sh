#!/usr/bin/env bash
# Install a release and switch to it, or switch back to one already installed (roll back).
# Run as root on the instance: by bootstrap.sh at first boot, and by deploy.sh through SSM Run Command.
#   workbench-install-release VERSION       fetch releases/VERSION.tar.gz, build its venv, switch, check health
#   workbench-install-release --previous    switch back to the release that was active before
# Secrets are read from SSM Parameter Store (SecureString) into .streamlit/secrets.toml, mode 0600.
# If the new release does not answer /_stcore/health within 3 minutes, the previous one is restored.
set -euo pipefail
# The instance's layout; tests/deploy/test_install_release.py runs the script in a scratch folder.
ETC="${WORKBENCH_ETC:-/etc/workbench}"
HOME_DIR="${WORKBENCH_HOME:-/opt/workbench}"
DATA="${WORKBENCH_DATA:-/var/lib/workbench/data}"
LOGS="${WORKBENCH_LOGS:-/var/log/workbench}"
SERVICE_USER="${WORKBENCH_USER:-workbench}"
CODE_OWNER="${WORKBENCH_CODE_OWNER:-root}"
HEALTH_URL="${WORKBENCH_HEALTH_URL:-http://127.0.0.1:8501/_stcore/health}"
HEALTH_TRIES="${WORKBENCH_HEALTH_TRIES:-90}"  # 2 s apart: 3 minutes
# shellcheck source=/dev/null
source "$ETC/stack.env"
RELEASES="$HOME_DIR/releases"
CURRENT="$HOME_DIR/current"
exec > >(tee -a "$LOGS/install.log") 2>&1
echo "install-release: $(date -u +%FT%TZ) $*"

healthy() {
  for _ in $(seq 1 "$HEALTH_TRIES"); do
    if curl -fsS --max-time 2 "$HEALTH_URL" >/dev/null 2>&1; then return 0; fi
    sleep 2
  done
  return 1
}

switch_to() {  # atomically repoint the "current" symlink, then restart
  ln -sfn "$1" "$CURRENT.new" && mv -T "$CURRENT.new" "$CURRENT"
  systemctl restart workbench
}

write_secrets() {  # $1 = release folder
  local dir="$1/.streamlit" secrets session auth
  secrets="$(mktemp)"
  chmod 0600 "$secrets"
  session="$(aws ssm get-parameter --region "$AWS_REGION" --with-decryption \
    --name "$SSM_PREFIX/session-secret" --query Parameter.Value --output text)"
  # A root-level string in secrets.toml becomes an environment variable (SESSION_SECRET) for the app.
  printf 'SESSION_SECRET = "%s"\n' "$session" > "$secrets"
  # Optional: the whole [auth] table for AUTH_MODE=oidc (cookie_secret, client_id, client_secret, ...).
  if auth="$(aws ssm get-parameter --region "$AWS_REGION" --with-decryption \
      --name "$SSM_PREFIX/oidc-auth-toml" --query Parameter.Value --output text 2>/dev/null)"; then
    printf '\n%s\n' "$auth" >> "$secrets"
  fi
  install -d -o "$CODE_OWNER" -g "$SERVICE_USER" -m 0750 "$dir"
  install -o "$SERVICE_USER" -g "$SERVICE_USER" -m 0600 "$secrets" "$dir/secrets.toml"
  rm -f "$secrets"
}

previous=""  # the live release, if any (none at first boot)
if [ -L "$CURRENT" ]; then previous="$(readlink -f "$CURRENT")"; fi

if [ "${1:-}" = "--previous" ]; then
  target="$(cat "$HOME_DIR/previous" 2>/dev/null || true)"
  [ -n "$target" ] && [ -d "$target" ] || { echo "No previous release is installed."; exit 1; }
else
  VERSION="${1:?usage: workbench-install-release VERSION | --previous}"
  [[ "$VERSION" =~ ^[0-9a-f]{7,40}$ ]] || { echo "Not a release version: $VERSION"; exit 1; }
  target="$RELEASES/$VERSION"
  if [ ! -x "$target/.venv/bin/streamlit" ]; then
    rm -rf "$target.partial" && mkdir -p "$target.partial"
    aws s3 cp --only-show-errors --region "$AWS_REGION" \
      "s3://$ARTIFACT_BUCKET/releases/$VERSION.tar.gz" - | tar -xz -C "$target.partial"
    python3.11 -m venv "$target.partial/.venv"
    # torch's CPU build comes from PyTorch's index (the default one is CUDA); llama.cpp compiles portably.
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
      "$target.partial/.venv/bin/pip" install --quiet --disable-pip-version-check \
      --extra-index-url https://download.pytorch.org/whl/cpu -r "$target.partial/requirements.txt"
    rm -rf "$target" && mv "$target.partial" "$target"
  fi
fi

if [ "$previous" = "$(readlink -f "$target")" ] && healthy; then
  echo "install-release: $(basename "$target") is already live"
  exit 0
fi

# The sample policies ship with the code; the data folder (index, uploads, app.db) outlives releases.
if [ ! -d "$DATA/policies" ] && [ -d "$target/data/policies" ]; then
  cp -r "$target/data/policies" "$DATA/policies"
  chown -R "$SERVICE_USER:$SERVICE_USER" "$DATA/policies"
fi
write_secrets "$target"
switch_to "$target"
if healthy; then
  if [ -n "$previous" ] && [ "$previous" != "$(readlink -f "$target")" ]; then
    echo "$previous" > "$HOME_DIR/previous"
  fi
  echo "install-release: $(basename "$target") is live"
  # Keep the five newest releases for roll-backs (never the live one or the one before it).
  mapfile -t old < <(ls -1dt "$RELEASES"/*/ | tail -n +6)
  for dir in ${old[@]+"${old[@]}"}; do
    case "$(readlink -f "$dir")" in "$(readlink -f "$CURRENT")" | "$previous") ;; *) rm -rf "$dir" ;; esac
  done
  exit 0
fi

echo "install-release: $(basename "$target") did not become healthy; the log is $LOGS/app.log"
if [ -n "$previous" ] && [ -d "$previous" ]; then
  switch_to "$previous"
  echo "install-release: restored $(basename "$previous")"
fi
exit 1
