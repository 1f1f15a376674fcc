#!/usr/bin/env bash
# Deploy GenAI Workbench to EC2 from a laptop with AWS credentials (aws CLI v2, git, openssl).
#
#   deploy/ec2/deploy.sh deploy   --stack NAME --cidr 203.0.113.0/24 [--certificate-arn ARN] [-- KEY=VALUE ...]
#   deploy/ec2/deploy.sh update   --stack NAME          # the current git commit, through SSM Run Command
#   deploy/ec2/deploy.sh rollback --stack NAME [--to VERSION]
#   deploy/ec2/deploy.sh status   --stack NAME
#
# "deploy" creates (or updates) the stack in deploy/ec2/template.yaml: it packages the current commit
# (git archive) into an encrypted artifact bucket, creates the session secret in SSM Parameter Store once,
# imports a self-signed certificate into ACM when none is given, finds the default VPC's subnets, and waits
# until the instance reports the app healthy. Extra KEY=VALUE pairs after "--" are template parameters
# (e.g. Provider=local AuthMode=oidc GenerationApiId=abc123 AppDatabase=dynamodb).
set -euo pipefail
cd "$(dirname "$0")/../.."
TEMPLATE=deploy/ec2/template.yaml

die() { echo "deploy.sh: $*" >&2; exit 1; }
command -v aws >/dev/null || die "the AWS CLI v2 is required (https://docs.aws.amazon.com/cli/)."

COMMAND="${1:-}"; shift || true
STACK="" CIDR="" CERT="" TO=""
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stack) STACK="$2"; shift 2 ;;
    --cidr) CIDR="$2"; shift 2 ;;
    --certificate-arn) CERT="$2"; shift 2 ;;
    --to) TO="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) die "unknown option $1" ;;
  esac
done
[ -n "$STACK" ] || die "--stack NAME is required."
REGION="${AWS_REGION:-$(aws configure get region || true)}"
[ -n "$REGION" ] || die "set AWS_REGION (or a default region with 'aws configure')."
export AWS_REGION="$REGION"

ACCOUNT="$(aws sts get-caller-identity --query Account --output text)"
BUCKET="workbench-artifacts-$ACCOUNT-$REGION"

output() {  # the stack's output $1
  aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}

package() {  # upload the current commit as releases/<sha>.tar.gz; prints the version
  [ -z "$(git status --porcelain --untracked-files=no)" ] || die "commit your changes first: a release is a git commit."
  local version
  version="$(git rev-parse --short=12 HEAD)"
  if ! aws s3api head-bucket --bucket "$BUCKET" 2>/dev/null; then
    if [ "$REGION" = "us-east-1" ]; then
      aws s3api create-bucket --bucket "$BUCKET" >/dev/null
    else
      aws s3api create-bucket --bucket "$BUCKET" --create-bucket-configuration "LocationConstraint=$REGION" >/dev/null
    fi
    aws s3api put-public-access-block --bucket "$BUCKET" --public-access-block-configuration \
      BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    aws s3api put-bucket-encryption --bucket "$BUCKET" --server-side-encryption-configuration \
      '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
  fi
  git archive --format=tar.gz HEAD | aws s3 cp --only-show-errors - "s3://$BUCKET/releases/$version.tar.gz" >&2
  echo "$version"
}

ensure_session_secret() {  # the key that signs local sign-in cookies: made once, never in git or the template
  local name="/workbench/$STACK/session-secret"
  if ! aws ssm get-parameter --name "$name" >/dev/null 2>&1; then
    # Through a private file, so the value never appears in a process list.
    local value
    value="$(mktemp)"
    chmod 0600 "$value"
    openssl rand -hex 32 | tr -d '\n' > "$value"
    aws ssm put-parameter --name "$name" --type SecureString --value "file://$value" >/dev/null
    rm -f "$value"
    echo "Created $name (SecureString)." >&2
  fi
}

self_signed_certificate() {  # for a first demo without a domain; browsers will warn
  local dir
  dir="$(mktemp -d)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=workbench.internal" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  aws acm import-certificate --certificate "fileb://$dir/cert.pem" --private-key "fileb://$dir/key.pem" \
    --tags "Key=workbench-stack,Value=$STACK" --query CertificateArn --output text
  rm -rf "$dir"
}

run_on_instance() {  # run a command on the instance through SSM Run Command and wait for it
  local instance command_id status
  instance="$(output InstanceId)"
  command_id="$(aws ssm send-command --instance-ids "$instance" --document-name AWS-RunShellScript \
    --comment "workbench $COMMAND" --parameters "commands=[\"$1\"]" --timeout-seconds 3600 \
    --query Command.CommandId --output text)"
  echo "Running on $instance: $1 (command $command_id)"
  while :; do
    sleep 10
    status="$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \
      --query Status --output text 2>/dev/null || echo Pending)"
    case "$status" in Pending|InProgress|Delayed) ;; *) break ;; esac
  done
  aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \
    --query StandardOutputContent --output text | tail -n 5
  [ "$status" = "Success" ] || die "the command ended with status $status; the install log is in CloudWatch ($(output LogGroupName))."
}

case "$COMMAND" in
  deploy)
    [ -n "$CIDR" ] || die "--cidr is required: the only network that may reach the app (e.g. 203.0.113.0/24)."
    version="$(package)"
    ensure_session_secret
    if [ -z "$CERT" ]; then
      CERT="$(aws acm list-certificates --query "CertificateSummaryList[?DomainName=='workbench.internal'].CertificateArn | [0]" --output text)"
      [ "$CERT" != "None" ] && [ -n "$CERT" ] || CERT="$(self_signed_certificate)"
      echo "Using the self-signed certificate $CERT (pass --certificate-arn for your domain's)."
    fi
    vpc="$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)"
    [ "$vpc" != "None" ] || die "no default VPC: pass VpcId=, LoadBalancerSubnetIds= and InstanceSubnetId= after --."
    subnets="$(aws ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" Name=default-for-az,Values=true \
      --query 'Subnets[].SubnetId' --output text | tr '\t' ',')"
    aws cloudformation deploy --stack-name "$STACK" --template-file "$TEMPLATE" \
      --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset \
      --parameter-overrides "AllowedCidr=$CIDR" "CertificateArn=$CERT" "ArtifactBucket=$BUCKET" \
        "AppVersion=$version" "VpcId=$vpc" "LoadBalancerSubnetIds=$subnets" "InstanceSubnetId=${subnets%%,*}" \
        ${EXTRA[@]+"${EXTRA[@]}"}
    # A stack that already existed keeps its instance: install the release on it (a no-op if current).
    run_on_instance "/usr/local/sbin/workbench-install-release $version"
    echo "The app: $(output Url)   (instance role for the API's TrustedAppRoleArn: $(output InstanceRoleArn))"
    ;;
  update)
    version="$(package)"
    run_on_instance "/usr/local/sbin/workbench-install-release $version"
    ;;
  rollback)
    if [ -n "$TO" ]; then
      run_on_instance "/usr/local/sbin/workbench-install-release $TO"
    else
      run_on_instance "/usr/local/sbin/workbench-install-release --previous"
    fi
    ;;
  status)
    aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].[StackStatus,Outputs]' --output table
    run_on_instance "readlink -f /opt/workbench/current; systemctl is-active workbench nginx; curl -fsS http://127.0.0.1/_stcore/health"
    ;;
  *)
    sed -n '2,13p' "$0"
    exit 2
    ;;
esac
