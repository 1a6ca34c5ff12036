#!/usr/bin/env bash
# Ships Lambda code to an environment that `terraform apply` has already built: for each function,
# upload the zip, wait until Lambda has taken it, publish a version and move the `live` alias (which
# API Gateway and the event source mappings invoke) to that version. Terraform owns the functions'
# configuration; this script owns their code and versions (docs/adr/0012).
#
# Written for bash 3.2 too (macOS), with no tool but the aws CLI (and npm to build).

set -euo pipefail

ENVIRONMENTS="dev staging prod"
ALIAS="live"

usage() {
  cat <<'USAGE'
Usage: scripts/deploy-lambda.sh [options] <environment> [service ...]

Builds the bundles (npm run build), then deploys each named service, or every service when none is
named, to the environment (dev, staging or prod). For each of a service's functions it runs:

  aws lambda update-function-code   upload dist/<service>.zip
  aws lambda wait function-updated-v2
  aws lambda publish-version        a new immutable version of exactly that code
  aws lambda wait published-version-active
  aws lambda update-alias           move "live" to the new version

Services are those with a manifest (services/<name>/service.json), plus the outbox publisher
(packages/shared/publisher.json). Each runs the functions its manifest declares, named
tessera-<environment>-<function>: the users bundle runs tessera-<environment>-users and
tessera-<environment>-users-authorizer.

Options:
  --dry-run        print the aws CLI calls without making them (no credentials needed)
  --no-build       deploy the zips already built instead of running npm run build
  --region <name>  AWS region (default: the aws CLI's own, e.g. AWS_REGION or your profile)
  -h, --help       show this help

Environment:
  TESSERA_DIST_DIR   folder holding <service>.zip (default: dist/ in this repository)
  AWS_PROFILE, AWS_REGION, AWS_ACCESS_KEY_ID, ...  as for any aws CLI call

Examples:
  scripts/deploy-lambda.sh dev                 build, then deploy every service to dev
  scripts/deploy-lambda.sh prod users          build, then deploy users (and its authorizer) to prod
  scripts/deploy-lambda.sh --dry-run staging   show what a deploy to staging would do
USAGE
}

fail() {
  echo "deploy-lambda: error: $1" >&2
  exit "${2:-1}"
}

usage_error() {
  echo "deploy-lambda: error: $1" >&2
  echo "Run scripts/deploy-lambda.sh --help for usage." >&2
  exit 2
}

source_path="${BASH_SOURCE[0]}"
case "$source_path" in
  */*) script_dir="${source_path%/*}" ;;
  *) script_dir="." ;;
esac
repo_root="$(cd "$script_dir/.." && pwd)"

# One "<deployable> <function>" line per function, read from the manifests (services/*/service.json
# and packages/shared/publisher.json) once the arguments are read: which zip each function runs.
deployables_listing=""

known_services() {
  local deployable function_name last=""
  while read -r deployable function_name; do
    if [ "$deployable" != "$last" ]; then printf '%s\n' "$deployable"; fi
    last="$deployable"
  done <<<"$deployables_listing"
}

# The functions that run a deployable's bundle, as its manifest names them.
functions_of() {
  local deployable function_name
  while read -r deployable function_name; do
    if [ "$deployable" = "$1" ]; then printf '%s\n' "$function_name"; fi
  done <<<"$deployables_listing"
}

dry_run=false
build=true
region=""
environment=""
services=()

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --dry-run) dry_run=true ;;
    --no-build) build=false ;;
    --region)
      [ $# -ge 2 ] || usage_error "--region needs a region name"
      region="$2"
      shift
      ;;
    --region=*) region="${1#--region=}" ;;
    --) ;;
    -*) usage_error "unknown option $1" ;;
    *)
      if [ -z "$environment" ]; then environment="$1"; else services+=("$1"); fi
      ;;
  esac
  shift
done

[ -n "$environment" ] || usage_error "name the environment to deploy to: one of ${ENVIRONMENTS// /, }"

case " $ENVIRONMENTS " in
  *" $environment "*) ;;
  *) usage_error "unknown environment '$environment' (expected one of: ${ENVIRONMENTS// /, })" ;;
esac

# Node runs the manifest reader: the project's pinned Node when npm ci has installed it, else any.
node_binary="$repo_root/node_modules/.bin/node"
[ -x "$node_binary" ] || node_binary="node"
command -v "$node_binary" >/dev/null 2>&1 ||
  fail "Node.js is needed to read the service manifests (and npm to build): install it, then run npm ci."
deployables_listing="$("$node_binary" "$repo_root/scripts/lib/deployables.mjs" "$repo_root")" ||
  fail "could not read the service manifests"

available="$(known_services)"
if [ ${#services[@]} -eq 0 ]; then
  while IFS= read -r name; do services+=("$name"); done <<<"$available"
else
  for name in "${services[@]}"; do
    case $'\n'"$available"$'\n' in
      *$'\n'"$name"$'\n'*) ;;
      *) usage_error "unknown service '$name' (known: ${available//$'\n'/, })" ;;
    esac
  done
fi

dist_dir="${TESSERA_DIST_DIR:-$repo_root/dist}"

# Calls are echoed on fd 3 (stdout), so they show even from inside $(...).
exec 3>&1

aws_call() {
  local shown="+ aws"
  local argument
  for argument in "$@"; do
    case "$argument" in
      *" "*) shown="$shown '$argument'" ;;
      *) shown="$shown $argument" ;;
    esac
  done
  if [ -n "$region" ]; then shown="$shown --region $region"; fi
  echo "$shown" >&3
  if [ "$dry_run" = true ]; then return 0; fi
  if [ -n "$region" ]; then aws "$@" --region "$region"; else aws "$@"; fi
}

if [ "$dry_run" = false ]; then
  command -v aws >/dev/null 2>&1 ||
    fail "the aws CLI is not on PATH. Install AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
  if ! identity_output="$(aws sts get-caller-identity --query Account --output text ${region:+--region "$region"} 2>&1)"; then
    fail "no usable AWS credentials: aws sts get-caller-identity failed:
  ${identity_output}
Sign in first (aws sso login, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."
  fi
  echo "Deploying to $environment in AWS account $identity_output"
else
  echo "Dry run: deploying to $environment would make these calls (none is made)"
fi

if [ "$build" = true ]; then
  if [ "$dry_run" = true ]; then
    echo "+ npm run build"
  else
    echo "+ npm run build"
    (cd "$repo_root" && npm run build) ||
      fail "npm run build failed, so nothing was deployed. Fix the build (its output is above), or deploy the zips already in $dist_dir with --no-build."
  fi
fi

revision="${GITHUB_SHA:-$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"

deploy_function() {
  local function_name="$1" zip="$2" code_sha version
  if ! code_sha="$(aws_call lambda update-function-code --function-name "$function_name" \
    --zip-file "fileb://$zip" --query CodeSha256 --output text)"; then
    fail "could not upload $zip to $function_name. Does the function exist? Create it with terraform apply in terraform/environments/$environment first."
  fi
  if [ "$dry_run" = true ]; then code_sha="<CodeSha256 from update-function-code>"; fi
  aws_call lambda wait function-updated-v2 --function-name "$function_name" ||
    fail "$function_name did not finish updating"
  # --code-sha256 makes Lambda refuse to publish if someone else changed the code meanwhile.
  if ! version="$(aws_call lambda publish-version --function-name "$function_name" --code-sha256 "$code_sha" \
    --description "deploy-lambda.sh $revision" --query Version --output text)"; then
    fail "could not publish a version of $function_name"
  fi
  if [ "$dry_run" = true ]; then version="<Version from publish-version>"; fi
  aws_call lambda wait published-version-active --function-name "$function_name" --qualifier "$version" ||
    fail "version $version of $function_name did not become active"
  aws_call lambda update-alias --function-name "$function_name" --name "$ALIAS" \
    --function-version "$version" --query AliasArn --output text >/dev/null ||
    fail "could not move $function_name:$ALIAS to version $version"
  if [ "$dry_run" = false ]; then echo "$function_name: $ALIAS -> version $version"; fi
}

for service in "${services[@]}"; do
  zip="$dist_dir/$service.zip"
  if [ ! -f "$zip" ] && { [ "$build" = false ] || [ "$dry_run" = false ]; }; then
    fail "$zip not found. Build it with npm run build (or drop --no-build)."
  fi
  while IFS= read -r suffix; do
    deploy_function "tessera-$environment-$suffix" "$zip"
  done <<<"$(functions_of "$service")"
done

if [ "$dry_run" = false ]; then echo "Deployed ${services[*]} to $environment."; fi
