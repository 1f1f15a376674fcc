#!/usr/bin/env bash
# First boot of the EC2 instance (run as root by the template's user data, once):
#   packages, the non-root service user, nginx, the CloudWatch agent, the systemd unit, then the release.
# Reads /etc/workbench/stack.env (written by the user data). Usage: bootstrap.sh VERSION
set -euo pipefail
VERSION="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=/dev/null
source /etc/workbench/stack.env

exec > >(tee -a /var/log/workbench-bootstrap.log) 2>&1
echo "bootstrap: $(date -u +%FT%TZ) release $VERSION"

# Python 3.11 (the app's version), a compiler for llama-cpp-python, nginx, the CloudWatch agent.
dnf install -y -q python3.11 python3.11-pip python3.11-devel gcc gcc-c++ make cmake git \
  nginx amazon-cloudwatch-agent jq logrotate

# The service user owns only its data and logs; the code is root-owned and read-only to it.
id workbench >/dev/null 2>&1 || useradd --system --home-dir /var/lib/workbench --shell /sbin/nologin workbench
install -d -o workbench -g workbench -m 0750 /var/lib/workbench /var/lib/workbench/data /var/log/workbench
install -d -o root -g root -m 0755 /opt/workbench /opt/workbench/releases
touch /var/log/workbench/app.log /var/log/workbench/install.log
chown workbench:workbench /var/log/workbench/app.log

cat > /etc/logrotate.d/workbench <<'ROTATE'
/var/log/workbench/*.log {
    daily
    rotate 7
    compress
    missingok
    notifempty
    copytruncate
}
ROTATE

# nginx: the site config only (the packaged nginx.conf includes conf.d/*.conf).
install -m 0644 "$HERE/nginx-workbench.conf" /etc/nginx/conf.d/workbench.conf
nginx -t
systemctl enable --now nginx

# CloudWatch Logs: the app, installs and nginx, into the stack's log group.
sed "s|__LOG_GROUP__|$LOG_GROUP|g" "$HERE/cloudwatch-agent.json" > /opt/aws/amazon-cloudwatch-agent/etc/workbench.json
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/workbench.json

install -m 0644 "$HERE/workbench.service" /etc/systemd/system/workbench.service
install -m 0755 "$HERE/install-release.sh" /usr/local/sbin/workbench-install-release
# The user CLI (python -m backend.auth) as the service user, with the service's settings; stdin passes through.
cat > /usr/local/sbin/workbench-users <<'CLI'
#!/usr/bin/env bash
set -euo pipefail
cd /opt/workbench/current
exec sudo -u workbench bash -c 'set -a; . /etc/workbench/app.env; set +a; exec .venv/bin/python -m backend.auth "$@"' _ "$@"
CLI
chmod 0755 /usr/local/sbin/workbench-users
systemctl daemon-reload
systemctl enable workbench

/usr/local/sbin/workbench-install-release "$VERSION"
