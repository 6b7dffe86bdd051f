#!/bin/sh
# Prepares a Temporal namespace for the pipeline: creates it when missing and registers the search
# attributes every run sets (workflows/domain/search-attributes.ts; test/infra/deploy checks that
# this list matches). Safe to run again: Temporal keeps attributes that already exist.
# Runs in temporalio/admin-tools: compose's temporal-setup service, the Kubernetes worker's init container.
set -eu
address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
namespace="${TEMPORAL_NAMESPACE:-default}"
# The CLI looks for its config file under $HOME; a user without a passwd entry may have none.
export HOME="${HOME:-/tmp}"

# A fresh namespace takes a few seconds to reach every frontend, so each step is retried.
retry() {
  attempt=1
  until "$@"; do
    [ "$attempt" -ge 30 ] && return 1
    attempt=$((attempt + 1))
    sleep 2
  done
}

retry temporal operator cluster health --address "$address"

if ! temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  retry temporal operator namespace create --address "$address" --namespace "$namespace" --retention 30d
fi

for attribute in \
  BugfixFingerprint:Keyword \
  BugfixService:Keyword \
  BugfixStage:Keyword \
  BugfixErrorType:Keyword \
  BugfixOccurrences:Int \
  BugfixCostUsd:Double \
  BugfixPullRequest:Keyword \
  BugfixMergeCommit:Keyword \
  BugfixCategory:Keyword \
  BugfixTopFrame:Keyword; do
  retry temporal operator search-attribute create --address "$address" --namespace "$namespace" \
    --name "${attribute%%:*}" --type "${attribute#*:}"
done
echo "Namespace $namespace is ready for the pipeline"
