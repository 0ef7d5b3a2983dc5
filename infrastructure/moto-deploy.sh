#!/usr/bin/env bash
# Deploys template.yaml to a local moto server the way `sam build && sam deploy` would, then checks
# with the AWS CLI that the stack holds what a real deployment needs. Offline (Maven may fetch
# dependencies it lacks from its repository), bounded in time, leaves nothing behind.
#
#   infrastructure/moto-deploy.sh            start moto_server on a free loopback port, stop it at the end
#   MOTO_PORT=5000 infrastructure/moto-deploy.sh   use a moto_server already listening there
#   KEEP_WORK=1 ...                          keep the work directory (templates, artifacts, logs)
#   STACK_NAME=name ...                      stack name (default fetchfleet-moto-<random>)
#   ENV_OUT=dir ...                          write each function's environment as deployed (dispatcher.env.json,
#                                            worker.env.json) there, to run the handlers against the stack
#   SCHEDULES_DIR=dir ...                    deploy the schedule files of dir instead of infrastructure/schedules/
#                                            (rendered into the copy's template.yaml; the repository is untouched)
#
# Steps: copy the repository as `sam build` does for CodeUri: . (without .git and target/, which also
# keeps this build off the target/ dirs of a Maven build that may be running the test calling this),
# run the Makefile's build-<LogicalId> targets with ARTIFACTS_DIR, check each artifact is lib/<one jar>
# holding its handler class, point CodeUri at the artifacts (sam_translate.py code-uris), `aws
# cloudformation package` (zips and uploads them to a deployment bucket), expand the SAM transform
# locally (sam_translate.py transform; moto does not run transforms), create the stack from the
# template's URL in the deployment bucket as sam deploy does (moto reads that URL only in the form
# http://localhost:PORT/bucket/key), then verify resources and settings with the AWS CLI.
#
# Not checked on moto, because moto cannot show them: the bucket's public access block and TLS-only bucket
# policy (moto's CloudFormation drops both), the functions' LoggingConfig and architecture, and invoking a
# function (needs Docker). moto's CloudFormation has no model for AWS::CloudWatch::Alarm, AWS::Glue::* or
# AWS::Lambda::Alias, and ignores SnapStart and EphemeralStorage: those are checked in the expanded template
# CloudFormation would get (as are a role's managed policies, which moto drops). The alias is replaced by its
# function for moto (sam_translate.py moto-standins), so rules and the event source exist to be checked.
# cfn-lint template.yaml covers their syntax.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# A fresh name each run, so runs against one long-lived moto (MOTO_PORT) do not collide.
STACK_NAME=${STACK_NAME:-fetchfleet-moto-$(python3 -c 'import secrets; print(secrets.token_hex(3))')}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900}   # seconds for each make target (a cold Maven repository is slow)
STEP_TIMEOUT=${STEP_TIMEOUT:-120}     # seconds for any other step

# What the template must deploy; checked against the live functions, not just the template text.
readonly DISPATCHER_HANDLER=dev.fetchfleet.dispatcher.DispatcherHandler::handleRequest
readonly WORKER_HANDLER=dev.fetchfleet.worker.WorkerHandler::handleRequest
readonly DEFAULT_SCHEDULE_JOB='{"source":"example","requests":[{"url":"https://api.example.com/items/1"}]}'

# Never reach a real account: dummy credentials, no instance metadata, no user profile or endpoint.
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
       AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 \
       AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
while read -r name; do unset "$name"; done < <(env | sed -n 's/^\(AWS_ENDPOINT_URL_[A-Z0-9_]*\)=.*/\1/p')

START=$SECONDS
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fetchfleet-moto.XXXXXX")
MOTO_PID=""
CHILD_PID=""

cleanup() {
  local rc=$?
  set +e   # a failing kill or wait must not end the cleanup half way
  trap - EXIT INT TERM
  # `timeout` runs its command in its own process group and passes a TERM on to all of it.
  if [[ -n "$CHILD_PID" ]]; then
    kill -TERM "$CHILD_PID" 2>/dev/null
    wait "$CHILD_PID" 2>/dev/null
  fi
  if [[ -n "$MOTO_PID" ]]; then
    kill -TERM "$MOTO_PID" 2>/dev/null
    wait "$MOTO_PID" 2>/dev/null
  fi
  if [[ "${KEEP_WORK:-}" == 1 ]]; then
    echo "moto-deploy: work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

log() { printf '[moto-deploy %3ds] %s\n' "$((SECONDS - START))" "$*" >&2; }
die() {
  log "FAILED: $*"
  if [[ -s "$WORK/moto.log" ]] && grep -q Traceback "$WORK/moto.log"; then
    echo "--- moto_server log, without its access log lines:" >&2
    grep -v 'HTTP/1.1" [0-9]* -$' "$WORK/moto.log" | tail -n 40 >&2
  fi
  exit 1
}

# Runs a step in the background under `timeout`, so a TERM to this script is handled at once (bash
# runs traps only between foreground commands) and the step cannot outlive its budget.
run() {
  local seconds=$1 rc=0
  shift
  timeout "$seconds" "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  [[ $rc -eq 124 ]] && log "timed out after ${seconds}s: $*"
  return $rc
}

# ---------------------------------------------------------------------------------------------- moto
for tool in moto_server aws python3 make unzip timeout curl; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH"
done
# The interpreter and the AWS CLI themselves, not a version manager's shims: the checks below start
# python and aws some hundred times, and a shim (pyenv) costs seconds each on a busy machine.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$PYTHON" "$@"; }
AWS_CLI=$(command -v aws)
if [[ -x "$(dirname "$PYTHON")/aws" ]]; then
  AWS_CLI="$(dirname "$PYTHON")/aws"
fi

if [[ -n "${MOTO_PORT:-}" ]]; then
  PORT=$MOTO_PORT
else
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
fi
# localhost, not 127.0.0.1: moto resolves a path-style TemplateURL only when its host is localhost.
ENDPOINT=http://localhost:$PORT
# Also the default for every client: `aws cloudformation package` and `deploy` make their own S3
# clients that ignore --endpoint-url and would otherwise try the real S3.
export AWS_ENDPOINT_URL=$ENDPOINT
awsm() { run "$STEP_TIMEOUT" "$AWS_CLI" --endpoint-url "$ENDPOINT" --cli-read-timeout 60 "$@"; }

# ------------------------------------------------------------------------------------------- build
log "copying $ROOT as sam build would (CodeUri: .), without .git and target/"
mkdir -p "$WORK/src" "$WORK/build"
tar -C "$ROOT" --exclude=./.git --exclude=./.aws-sam --exclude=./target --exclude='./functions/*/target' \
    -cf - . | tar -C "$WORK/src" -xf -
SCHEDULES="$ROOT/infrastructure/schedules"
if [[ -n "${SCHEDULES_DIR:-}" ]]; then
  SCHEDULES=$(cd "$SCHEDULES_DIR" && pwd)
  rm -rf "$WORK/src/infrastructure/schedules"
  cp -r "$SCHEDULES" "$WORK/src/infrastructure/schedules"
  log "schedules from $SCHEDULES, rendered into the copy's template.yaml"
  run "$STEP_TIMEOUT" "$PYTHON" "$WORK/src/infrastructure/schedules.py" render "$WORK/src/template.yaml" >&2 \
    || die "schedules.py render failed"
fi

for fn in DispatcherFunction WorkerFunction; do
  log "make build-$fn (ARTIFACTS_DIR=$WORK/build/$fn)"
  # As SAM's makefile builder runs it: in the copy, with ARTIFACTS_DIR in the environment.
  run "$BUILD_TIMEOUT" env ARTIFACTS_DIR="$WORK/build/$fn" make --no-print-directory -C "$WORK/src" --makefile "$WORK/src/Makefile" "build-$fn" \
    || die "make build-$fn failed"
done

check_artifact() {
  local fn=$1 handler=$2 class jars
  class="${handler%%::*}"
  class="${class//.//}.class"
  jars=("$WORK/build/$fn/lib/"*.jar)
  [[ ${#jars[@]} -eq 1 && -f "${jars[0]}" ]] || die "$fn: expected one jar in lib/, found: ${jars[*]}"
  # grep without -q: an early exit would SIGPIPE unzip and fail the pipeline (pipefail).
  unzip -Z1 "${jars[0]}" | grep -xF "$class" >/dev/null || die "$fn: ${jars[0]##*/} has no $class"
  log "$fn artifact: lib/${jars[0]##*/} contains $class"
}
check_artifact DispatcherFunction "$DISPATCHER_HANDLER"
check_artifact WorkerFunction "$WORKER_HANDLER"

# ------------------------------------------------------------------------------------------ deploy
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$ENDPOINT/moto-api/" 2>/dev/null && break
  [[ -z "$MOTO_PID" ]] || kill -0 "$MOTO_PID" 2>/dev/null || die "moto_server exited"
  sleep 0.5
done
curl -fsS -o /dev/null "$ENDPOINT/moto-api/" || die "moto_server does not answer on $ENDPOINT"
log "moto_server answers on $ENDPOINT"

SAM_TRANSLATE="$ROOT/infrastructure/sam_translate.py"
run "$STEP_TIMEOUT" "$PYTHON" "$SAM_TRANSLATE" code-uris "$WORK/src/template.yaml" "$WORK/built.json" \
    DispatcherFunction="$WORK/build/DispatcherFunction" WorkerFunction="$WORK/build/WorkerFunction" \
  || die "could not point CodeUri at the artifacts"

DEPLOY_BUCKET="fetchfleet-deploy-$(python3 -c 'import secrets; print(secrets.token_hex(6))')"
awsm s3api create-bucket --bucket "$DEPLOY_BUCKET" >/dev/null || die "could not create the deployment bucket"

log "aws cloudformation package -> s3://$DEPLOY_BUCKET/$STACK_NAME/"
awsm cloudformation package --template-file "$WORK/built.json" --s3-bucket "$DEPLOY_BUCKET" \
    --s3-prefix "$STACK_NAME" --use-json --output-template-file "$WORK/packaged.json" >"$WORK/package.log" 2>&1 \
  || { tail -n 20 "$WORK/package.log" >&2; die "aws cloudformation package failed"; }

log "expanding the SAM transform with aws-sam-translator"
run "$STEP_TIMEOUT" "$PYTHON" "$SAM_TRANSLATE" transform "$WORK/packaged.json" "$WORK/transformed.json" \
  || die "the SAM transform failed"

# create-stack rather than `aws cloudformation deploy`: moto creates a change set's resources but never
# gives the stack its template, so a stack made by executing a change set has no outputs.
log "aws cloudformation create-stack --stack-name $STACK_NAME (template by URL, as sam deploy passes it)"
run "$STEP_TIMEOUT" "$PYTHON" "$SAM_TRANSLATE" moto-standins "$WORK/transformed.json" "$WORK/moto.json" \
  || die "could not stand in for what moto cannot create"
awsm s3 cp "$WORK/moto.json" "s3://$DEPLOY_BUCKET/$STACK_NAME/template.json" >/dev/null \
  || die "could not upload the template"
awsm cloudformation create-stack --stack-name "$STACK_NAME" --capabilities CAPABILITY_IAM \
    --template-url "$ENDPOINT/$DEPLOY_BUCKET/$STACK_NAME/template.json" >/dev/null \
  || die "aws cloudformation create-stack failed"
awsm cloudformation wait stack-create-complete --stack-name "$STACK_NAME" || {
  awsm cloudformation describe-stack-events --stack-name "$STACK_NAME" --output text \
    --query 'StackEvents[?contains(ResourceStatus, `FAILED`)].[LogicalResourceId, ResourceStatusReason]' >&2
  die "stack $STACK_NAME did not reach CREATE_COMPLETE"
}

# ------------------------------------------------------------------------------------------ verify
# From here on every check runs and reports; the count decides the exit status.
set +e
FAILURES=0
PASSES=0
expect() {  # expect DESCRIPTION ACTUAL EXPECTED
  if [[ "$2" == "$3" ]]; then
    PASSES=$((PASSES + 1))
  else
    FAILURES=$((FAILURES + 1))
    log "MISMATCH $1: expected [$3], got [$2]"
  fi
}
# One call's whole answer as JSON ({} when it fails, which the checks then report).
json() { awsm "$@" --output json || echo '{}'; }
# Prints a Python expression over the JSON in $1, bound to `d`; strings bare, the rest as JSON.
get() {
  python3 -c '
import ast, json, sys
try:
    d = json.loads(sys.argv[1])
    v = eval(sys.argv[2])
    print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
except Exception as e:
    print(f"<{type(e).__name__}: {e}>")' "$1" "$2"
}

log "verifying the stack"
STACK=$(json cloudformation describe-stacks --stack-name "$STACK_NAME")
expect "stack status" "$(get "$STACK" 'd["Stacks"][0]["StackStatus"]')" CREATE_COMPLETE
output() { get "$STACK" "{o['OutputKey']: o['OutputValue'] for o in d['Stacks'][0].get('Outputs') or []}['$1']"; }
BUCKET=$(output BronzeBucketName)
QUEUE_URL=$(output ChunkQueueUrl)
DLQ_URL=$(output DeadLetterQueueUrl)
DISPATCHER=$(output DispatcherFunctionName)
WORKER=$(output WorkerFunctionName)
expect "BronzeRoot output" "$(output BronzeRoot)" "s3://$BUCKET/bronze"

# Bucket: exists and encrypts by default.
expect "bucket default encryption" "$(get "$(json s3api get-bucket-encryption --bucket "$BUCKET")" \
  'd["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]')" AES256

# Queues: visibility 6 x the worker's 300 s; a chunk moves to the DLQ after 5 receives.
QUEUE=$(json sqs get-queue-attributes --queue-url "$QUEUE_URL" --attribute-names All)
DLQ=$(json sqs get-queue-attributes --queue-url "$DLQ_URL" --attribute-names All)
QUEUE_ARN=$(get "$QUEUE" 'd["Attributes"]["QueueArn"]')
expect "chunk queue VisibilityTimeout" "$(get "$QUEUE" 'd["Attributes"]["VisibilityTimeout"]')" 1800
expect "chunk queue redrive policy" "$(get "$QUEUE" 'json.loads(d["Attributes"]["RedrivePolicy"])')" \
  "$(get "$DLQ" '{"deadLetterTargetArn": d["Attributes"]["QueueArn"], "maxReceiveCount": 5}')"
expect "DLQ MessageRetentionPeriod" "$(get "$DLQ" 'd["Attributes"]["MessageRetentionPeriod"]')" 1209600

# Functions: runtime, handler, sizing and the environment the handlers read.
check_function() {  # check_function CONFIG HANDLER MEMORY TIMEOUT SERVICE
  local name
  name=$(get "$1" 'd["FunctionName"]')
  expect "$name runtime" "$(get "$1" 'd["Runtime"]')" java21
  expect "$name handler" "$(get "$1" 'd["Handler"]')" "$2"
  expect "$name memory" "$(get "$1" 'str(d["MemorySize"])')" "$3"
  expect "$name timeout" "$(get "$1" 'str(d["Timeout"])')" "$4"
  expect "$name BRONZE_ROOT" "$(get "$1" 'd["Environment"]["Variables"]["BRONZE_ROOT"]')" "s3://$BUCKET/bronze"
  expect "$name POWERTOOLS_SERVICE_NAME" "$(get "$1" 'd["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]')" "$5"
  expect "$name POWERTOOLS_METRICS_NAMESPACE" "$(get "$1" 'd["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]')" FetchFleet
  expect "$name POWERTOOLS_LOG_LEVEL" "$(get "$1" 'd["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"]')" INFO
}
DISPATCHER_CONFIG=$(json lambda get-function-configuration --function-name "$DISPATCHER")
WORKER_CONFIG=$(json lambda get-function-configuration --function-name "$WORKER")
if [[ -n "${ENV_OUT:-}" ]]; then
  get "$DISPATCHER_CONFIG" 'd["Environment"]["Variables"]' > "$ENV_OUT/dispatcher.env.json"
  get "$WORKER_CONFIG" 'd["Environment"]["Variables"]' > "$ENV_OUT/worker.env.json"
fi
check_function "$DISPATCHER_CONFIG" "$DISPATCHER_HANDLER" 1024 900 fetchfleet-dispatcher
check_function "$WORKER_CONFIG" "$WORKER_HANDLER" 1769 300 fetchfleet-worker
expect "dispatcher CHUNK_QUEUE_URL" "$(get "$DISPATCHER_CONFIG" 'd["Environment"]["Variables"]["CHUNK_QUEUE_URL"]')" "$QUEUE_URL"
expect "dispatcher WORKER_MAX_CONCURRENCY" "$(get "$DISPATCHER_CONFIG" 'str(d["Environment"]["Variables"]["WORKER_MAX_CONCURRENCY"])')" 10
expect "worker DLQ_URL" "$(get "$WORKER_CONFIG" 'd["Environment"]["Variables"]["DLQ_URL"]')" "$DLQ_URL"
expect "worker CHUNK_QUEUE_URL (continuations)" "$(get "$WORKER_CONFIG" 'd["Environment"]["Variables"]["CHUNK_QUEUE_URL"]')" "$QUEUE_URL"
expect "worker MAX_RECEIVE_COUNT" "$(get "$WORKER_CONFIG" 'str(d["Environment"]["Variables"]["MAX_RECEIVE_COUNT"])')" 5
# moto creates the function with its default 512 MB /tmp whatever the template says; check what the
# expanded template hands CloudFormation instead.
expect "worker /tmp (EphemeralStorage) in the expanded template" "$(get "$(cat "$WORK/transformed.json")" '
str([r["Properties"].get("EphemeralStorage") for r in d["Resources"].values()
     if r["Type"] == "AWS::Lambda::Function" and "WorkerHandler" in r["Properties"].get("Handler", "")])')" "[{'Size': {'Ref': 'WorkerEphemeralStorageMB'}}]"
expect "DispatcherFunctionArn output" "$(output DispatcherFunctionArn)" "$(get "$DISPATCHER_CONFIG" 'd["FunctionArn"]')"
expect "WorkerFunctionArn output" "$(output WorkerFunctionArn)" "$(get "$WORKER_CONFIG" 'd["FunctionArn"]')"

# The uploaded code: the zip that package put in the deployment bucket is lib/<the shaded jar>.
PACKAGED=$(cat "$WORK/packaged.json")
for fn in DispatcherFunction WorkerFunction; do
  module=$([[ $fn == DispatcherFunction ]] && echo dispatcher || echo worker)
  key=$(get "$PACKAGED" "d['Resources']['$fn']['Properties']['CodeUri'].split('/', 3)[3]")
  awsm s3 cp "s3://$DEPLOY_BUCKET/$key" "$WORK/$fn.zip" >/dev/null
  expect "$fn zip contents" "$(unzip -Z1 "$WORK/$fn.zip" 2>&1 | grep -v '/$' | sed 's/-[0-9][^/]*-lambda\.jar$/-VERSION-lambda.jar/')" \
    "lib/fetchfleet-$module-VERSION-lambda.jar"
done

# Roles: only the template's own statements, each on a named resource (no managed policy, no "*").
# moto ignores a role's ManagedPolicyArns, so those are checked in the template CloudFormation gets:
# this is where SAM's SQS event would have added AWSLambdaSQSQueueExecutionRole (all queues).
expect "managed policies on roles" "$(get "$(cat "$WORK/transformed.json")" '
{k: r["Properties"]["ManagedPolicyArns"] for k, r in d["Resources"].items()
 if r["Type"] == "AWS::IAM::Role" and r["Properties"].get("ManagedPolicyArns")}')" "{}"
for config in "$DISPATCHER_CONFIG" "$WORKER_CONFIG"; do
  role=$(get "$config" 'd["Role"].split("/")[-1]')
  for policy in $(get "$(json iam list-role-policies --role-name "$role")" '" ".join(d["PolicyNames"])'); do
    # moto hands back a CloudFormation-made inline policy as the repr of a Python dict.
    expect "$role/$policy statements on '*'" "$(get "$(json iam get-role-policy --role-name "$role" --policy-name "$policy")" '
[s for s in (ast.literal_eval(d["PolicyDocument"]) if isinstance(d["PolicyDocument"], str) else d["PolicyDocument"])["Statement"]
 if "*" in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])]')" "[]"
  done
done

# The SQS trigger: one chunk per invocation, partial batch failures, the fleet's concurrency cap.
ESM=$(json lambda list-event-source-mappings --function-name "$WORKER")
expect "worker event source mappings" "$(get "$ESM" 'len(d["EventSourceMappings"])')" 1
expect "ESM queue" "$(get "$ESM" 'd["EventSourceMappings"][0]["EventSourceArn"]')" "$QUEUE_ARN"
expect "ESM BatchSize" "$(get "$ESM" 'd["EventSourceMappings"][0]["BatchSize"]')" 1
expect "ESM FunctionResponseTypes" "$(get "$ESM" 'd["EventSourceMappings"][0]["FunctionResponseTypes"]')" '["ReportBatchItemFailures"]'
expect "ESM MaximumConcurrency" "$(get "$ESM" 'd["EventSourceMappings"][0]["ScalingConfig"]["MaximumConcurrency"]')" 10

# The schedules: the ScheduleJob parameter's rule and one rule per file of the schedules directory, each
# targeting the dispatcher with its own job as input, all disabled until ScheduleEnabled=true.
RULES=$(get "$(json events list-rule-names-by-target --target-arn "$(get "$DISPATCHER_CONFIG" 'd["FunctionArn"]')")" '" ".join(sorted(d["RuleNames"]))')
RULE_ROWS=()
RULE_ARNS=()
for rule in $RULES; do
  RULE_JSON=$(json events describe-rule --name "$rule")
  TARGETS=$(json events list-targets-by-rule --rule "$rule")
  RULE_ROWS+=("$(get "$TARGETS" 'str(len(d["Targets"]))')|$(get "$RULE_JSON" 'd["State"]')|$(get "$RULE_JSON" 'd["ScheduleExpression"]')|$(get "$TARGETS" 'd["Targets"][0]["Input"]')")
  RULE_ARNS+=("$(get "$RULE_JSON" 'd["Arn"]')")
done
EXPECTED_RULES=$(python3 - "$SCHEDULES" "$DEFAULT_SCHEDULE_JOB" <<'PY'
import json, os, sys
rows = ["1|DISABLED|rate(1 day)|" + sys.argv[2]]
for name in sorted(f for f in os.listdir(sys.argv[1]) if f.endswith(".json")):
    doc = json.load(open(os.path.join(sys.argv[1], name), encoding="utf-8"))
    rows.append("1|DISABLED|%s|%s" % (doc["schedule"], json.dumps(doc["job"], separators=(",", ":"), ensure_ascii=False)))
print("\n".join(sorted(rows)))
PY
)
expect "rules targeting the dispatcher (targets|state|expression|input)" "$(printf '%s\n' "${RULE_ROWS[@]}" | sort)" "$EXPECTED_RULES"
expect "dispatcher invoke permissions, one per rule" "$(get "$(json lambda get-policy --function-name "$DISPATCHER")" '
sorted((s["Principal"]["Service"], s["Condition"]["ArnLike"]["AWS:SourceArn"]) for s in json.loads(d["Policy"])["Statement"])')" \
  "$(python3 -c 'import json, sys; print(json.dumps(sorted(["events.amazonaws.com", a] for a in sys.argv[1:]), sort_keys=True))' "${RULE_ARNS[@]}")"
SCHEDULE_COUNT=${#RULE_ARNS[@]}

# In the template CloudFormation gets (moto has no alias; see the header): every rule and the SQS event
# source invoke the `live` alias of a published version, and SnapStart is on where Lambda allows it.
TRANSFORMED=$(cat "$WORK/transformed.json")
expect "rule targets (expanded template)" "$(get "$TRANSFORMED" '
sorted({json.dumps(t["Arn"]) for r in d["Resources"].values() if r["Type"] == "AWS::Events::Rule" for t in r["Properties"]["Targets"]})')" \
  '["{\"Ref\": \"DispatcherFunctionAliaslive\"}"]'
expect "event source function (expanded template)" "$(get "$TRANSFORMED" '
[r["Properties"]["FunctionName"] for r in d["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]')" \
  '[{"Ref": "WorkerFunctionAliaslive"}]'
expect "aliases on published versions (expanded template)" "$(get "$TRANSFORMED" '
sorted((k, r["Properties"]["Name"], r["Properties"]["FunctionName"]["Ref"], r["Properties"]["FunctionVersion"]["Fn::GetAtt"][0].startswith(r["Properties"]["FunctionName"]["Ref"] + "Version"))
       for k, r in d["Resources"].items() if r["Type"] == "AWS::Lambda::Alias")')" \
  '[["DispatcherFunctionAliaslive", "live", "DispatcherFunction", true], ["WorkerFunctionAliaslive", "live", "WorkerFunction", true]]'
expect "SnapStart (expanded template)" "$(get "$TRANSFORMED" '
{k: r["Properties"].get("SnapStart") for k, r in d["Resources"].items() if r["Type"] == "AWS::Lambda::Function"}')" \
  '{"DispatcherFunction": {"ApplyOn": "PublishedVersions"}, "WorkerFunction": {"Fn::If": ["WorkerCanSnapStart", {"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"}]}}'

# Glue: a table over bronze with projected partitions, the record's own source and run_id not among its columns.
expect "Glue table (expanded template)" "$(get "$TRANSFORMED" '
[(t["DatabaseName"], t["TableInput"]["Name"], [k["Name"] for k in t["TableInput"]["PartitionKeys"]],
  sorted({c["Name"] for c in t["TableInput"]["StorageDescriptor"]["Columns"]} & {"source", "run_id", "ingest_date"}),
  {c["Name"]: c["Type"] for c in t["TableInput"]["StorageDescriptor"]["Columns"] if c["Name"] in ("fetched_at", "status", "duration_ms")},
  t["TableInput"]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], t["TableInput"]["Parameters"]["projection.enabled"])
 for t in (r["Properties"] for r in d["Resources"].values() if r["Type"] == "AWS::Glue::Table")]')" \
  '[[{"Ref": "BronzeDatabase"}, "bronze", ["source", "ingest_date", "run_id"], [], {"duration_ms": "bigint", "fetched_at": "timestamp", "status": "int"}, "org.openx.data.jsonserde.JsonSerDe", "true"]]'
expect "Glue database (expanded template)" "$(get "$TRANSFORMED" '
[r["Properties"]["DatabaseInput"]["Name"] for r in d["Resources"].values() if r["Type"] == "AWS::Glue::Database"]')" '[{"Ref": "GlueDatabaseName"}]'

# Alarms (expanded template; moto has no model): dead letters, throttling, an overdue run.
expect "alarms (expanded template)" "$(get "$TRANSFORMED" '
sorted((r["Properties"]["Namespace"], r["Properties"]["MetricName"]) for r in d["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm")')" \
  '[["AWS/SQS", "ApproximateAgeOfOldestMessage"], ["AWS/SQS", "ApproximateNumberOfMessagesVisible"], ["FetchFleet", "Throttled"]]'

# The dashboard, on moto: it plots every metric the worker emits through Powertools that it is meant to, and
# no FetchFleet metric the code does not emit (the names are read from the code, so a rename shows here).
DASHBOARD=$(json cloudwatch get-dashboard --dashboard-name "$(output DashboardName)")
EMITTED=$(cat "$ROOT"/functions/worker/src/main/java/dev/fetchfleet/worker/PowertoolsWorkerMetrics.java \
              "$ROOT"/functions/worker/src/main/java/dev/fetchfleet/worker/ResponseClasses.java \
          | grep -oE '(addMetric\("|NAMES = \{|, )"?[A-Z][A-Za-z0-9]+"' | grep -oE '[A-Z][A-Za-z0-9]+' | sort -u | tr '\n' ' ')
expect "dashboard FetchFleet metrics are emitted by the worker" "$(get "$DASHBOARD" '
sorted({m[1] for w in json.loads(d["DashboardBody"])["widgets"] for m in w["properties"].get("metrics", []) if m[0] == "FetchFleet"} - set("'"$EMITTED"'".split()))')" "[]"
expect "dashboard plots" "$(get "$DASHBOARD" '
sorted({(m[0], m[1]) for w in json.loads(d["DashboardBody"])["widgets"] for m in w["properties"].get("metrics", []) if m[0] != "..."}
       | {("FetchFleet", m[1]) for w in json.loads(d["DashboardBody"])["widgets"] for m in w["properties"].get("metrics", [])
          if m[0] == "..." and isinstance(m[1], str)})')" \
  '[["AWS/Lambda", "ConcurrentExecutions"], ["AWS/Lambda", "Duration"], ["AWS/Lambda", "Errors"], ["AWS/SQS", "ApproximateAgeOfOldestMessage"], ["AWS/SQS", "ApproximateNumberOfMessagesVisible"], ["FetchFleet", "ChunkDuration"], ["FetchFleet", "ChunksContinued"], ["FetchFleet", "ChunksFailed"], ["FetchFleet", "ChunksWritten"], ["FetchFleet", "RequestsNoResponse"], ["FetchFleet", "Responses2xx"], ["FetchFleet", "Responses3xx"], ["FetchFleet", "Responses429"], ["FetchFleet", "Responses4xx"], ["FetchFleet", "Responses5xx"], ["FetchFleet", "RetryAfterPauses"], ["FetchFleet", "RunDuration"], ["FetchFleet", "RunsCompleted"], ["FetchFleet", "Throttled"]]'
expect "dashboard cold-start widget reads both log groups" "$(get "$DASHBOARD" '
[w["properties"]["query"].count("/aws/lambda/'"$STACK_NAME"'/") for w in json.loads(d["DashboardBody"])["widgets"] if w["type"] == "log"]')" "[2]"
expect "dashboard dead-letter queue" "$(get "$DASHBOARD" '"'"$(basename "$DLQ_URL")"'" in d["DashboardBody"]')" true

# Log groups the roles may write to, with retention.
expect "log groups" "$(get "$(json logs describe-log-groups --log-group-name-prefix "/aws/lambda/$STACK_NAME/")" \
  'sorted((g["logGroupName"], g.get("retentionInDays")) for g in d["logGroups"])')" \
  "[[\"/aws/lambda/$STACK_NAME/dispatcher\", 30], [\"/aws/lambda/$STACK_NAME/worker\", 30]]"

# ----------------------------------------------------------------------------------------- summary
cat >&2 <<SUMMARY
------------------------------------------------------------------ moto-deploy summary
stack            $STACK_NAME on $ENDPOINT
bronze bucket    $BUCKET
chunk queue      $QUEUE_URL
dead letters     $DLQ_URL
dispatcher       $DISPATCHER ($DISPATCHER_HANDLER)
worker           $WORKER ($WORKER_HANDLER)
schedules        $SCHEDULE_COUNT rules targeting the dispatcher
checks           $PASSES passed, $FAILURES failed, in $((SECONDS - START)) s
not on moto      public access block, TLS-only bucket policy, invocation; alarms, Glue, alias, SnapStart
                 checked in the expanded template (see header)
SUMMARY
[[ $FAILURES -eq 0 ]] || die "$FAILURES check(s) failed"
log "OK"
