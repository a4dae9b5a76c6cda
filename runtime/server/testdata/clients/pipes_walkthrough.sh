#!/usr/bin/env bash
# The README's "Pipes" and "Schema registry" walkthroughs, run with the
# real aws CLI against `patternc serve`: a pipe from a queue, with a filter
# and an input template, to the default bus, whose rule forwards to an
# audit queue; only the order records arrive there, transformed, and the
# source queue is drained. Then discovery on the default bus: a
# discoverer, an event, the discovered schema described and exported.
# Usage: pipes_walkthrough.sh  (PATTERNC=path/to/binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
for tool in aws python3 curl; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP pipes walkthrough: $tool is not installed"; exit 0; }
done
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; wait $p 2>/dev/null || true; done; rm -rf "$work"' EXIT
bin=${PATTERNC:-}
if [ -z "$bin" ]; then
  bin=$work/patternc
  (cd "$root" && go build -o "$bin" ./cmd/patternc)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=anything AWS_SECRET_ACCESS_KEY=anything
"$bin" serve --listen 127.0.0.1:$port --data "$work/data" >"$work/serve.out" 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
E=(--endpoint-url "http://127.0.0.1:$port")
step=0
check() {
  step=$((step+1))
  if ! python3 -c "import json,sys; j=json.loads(sys.argv[1] or 'null'); sys.exit(0 if ($3) else 1)" "$2"; then
    echo "FAIL step $step ($1): $3"; echo "output: $2"; tail -20 "$work/serve.log"; exit 1
  fi
  echo "ok $step - $1"
}
acct=arn:aws:sqs:us-east-1:000000000000

# --- Pipes -------------------------------------------------------------
out=$(aws "${E[@]}" sqs create-queue --queue-name orders)
check "create-queue orders" "$out" "j['QueueUrl'].endswith('/orders')"
src=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['QueueUrl'])" "$out")
out=$(aws "${E[@]}" sqs create-queue --queue-name audit)
audit=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['QueueUrl'])" "$out")
out=$(aws "${E[@]}" events put-rule --name from-pipe --event-pattern '{"source":["orders.pipe"]}')
check put-rule "$out" "j['RuleArn'].endswith(':rule/from-pipe')"
out=$(aws "${E[@]}" events put-targets --rule from-pipe --targets Id=audit,Arn=$acct:audit)
check put-targets "$out" "j['FailedEntryCount']==0"

out=$(aws "${E[@]}" pipes create-pipe --name orders-pipe \
  --role-arn arn:aws:iam::000000000000:role/pipe-role \
  --source $acct:orders \
  --source-parameters '{"FilterCriteria":{"Filters":[{"Pattern":"{\"body\":{\"kind\":[\"order\"]}}"}]},"SqsQueueParameters":{"BatchSize":10}}' \
  --target arn:aws:events:us-east-1:000000000000:event-bus/default \
  --target-parameters '{"InputTemplate":"{\"order\": <$.body.id>, \"total\": <$.body.total>, \"pipe\": <aws.pipes.pipe-name>}","EventBridgeEventBusParameters":{"Source":"orders.pipe","DetailType":"Order"}}')
check create-pipe "$out" "j['CurrentState']=='CREATING' and j['DesiredState']=='RUNNING' and j['Arn']=='arn:aws:pipes:us-east-1:000000000000:pipe/orders-pipe'"
for _ in $(seq 50); do
  out=$(aws "${E[@]}" pipes describe-pipe --name orders-pipe)
  python3 -c "import json,sys; sys.exit(0 if json.loads(sys.argv[1])['CurrentState']=='RUNNING' else 1)" "$out" && break
  sleep 0.1
done
check "describe-pipe: RUNNING" "$out" "j['CurrentState']=='RUNNING' and j['SourceParameters']['SqsQueueParameters']['BatchSize']==10"

aws "${E[@]}" sqs send-message --queue-url "$src" --message-body '{"kind":"order","id":"ORD-1","total":42}' >/dev/null
aws "${E[@]}" sqs send-message --queue-url "$src" --message-body '{"kind":"ping","id":"PING-1"}' >/dev/null
aws "${E[@]}" sqs send-message --queue-url "$src" --message-body '{"kind":"order","id":"ORD-2","total":7.5}' >/dev/null
got='[]'
for _ in $(seq 20); do
  out=$(aws "${E[@]}" sqs receive-message --queue-url "$audit" --max-number-of-messages 10 --wait-time-seconds 1)
  got=$(python3 -c "
import json,sys
got=json.loads(sys.argv[1]); out=json.loads(sys.argv[2] or '{}')
got += [json.loads(m['Body']) for m in out.get('Messages', [])]
print(json.dumps(got))" "$got" "$out")
  python3 -c "import json,sys; sys.exit(0 if len(json.loads(sys.argv[1]))>=2 else 1)" "$got" && break
done
check "the audit queue: the two orders, transformed" "$got" \
  "sorted(json.dumps(e['detail'],sort_keys=True) for e in j)==[json.dumps({'order':'ORD-1','pipe':'orders-pipe','total':42},sort_keys=True),json.dumps({'order':'ORD-2','pipe':'orders-pipe','total':7.5},sort_keys=True)] and all(e['source']=='orders.pipe' and e['detail-type']=='Order' for e in j)"
sleep 0.5
out=$(aws "${E[@]}" sqs get-queue-attributes --queue-url "$src" --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible)
check "the source is drained (the ping was filtered out and deleted)" "$out" "j['Attributes']['ApproximateNumberOfMessages']=='0' and j['Attributes']['ApproximateNumberOfMessagesNotVisible']=='0'"

out=$(aws "${E[@]}" pipes list-pipes)
check list-pipes "$out" "[p['Name'] for p in j['Pipes']]==['orders-pipe']"
out=$(aws "${E[@]}" pipes stop-pipe --name orders-pipe)
check stop-pipe "$out" "j['CurrentState']=='STOPPING' and j['DesiredState']=='STOPPED'"
sleep 1.2
out=$(aws "${E[@]}" pipes describe-pipe --name orders-pipe)
check "describe-pipe: STOPPED" "$out" "j['CurrentState']=='STOPPED'"
out=$(aws "${E[@]}" pipes start-pipe --name orders-pipe)
check start-pipe "$out" "j['CurrentState']=='STARTING'"
aws "${E[@]}" pipes tag-resource --resource-arn arn:aws:pipes:us-east-1:000000000000:pipe/orders-pipe --tags team=billing
out=$(aws "${E[@]}" pipes list-tags-for-resource --resource-arn arn:aws:pipes:us-east-1:000000000000:pipe/orders-pipe)
check list-tags-for-resource "$out" "j['tags']=={'team':'billing'}"
out=$(aws "${E[@]}" pipes describe-pipe --name missing 2>&1 || true)
check "describe-pipe of a missing pipe: NotFoundException" "\"$(echo "$out" | tr -d '"\n')\"" "'NotFoundException' in j"
out=$(aws "${E[@]}" pipes delete-pipe --name orders-pipe)
check delete-pipe "$out" "j['CurrentState']=='DELETING'"

# --- Schema registry: discover, describe, export ------------------------
out=$(aws "${E[@]}" schemas create-discoverer --source-arn arn:aws:events:us-east-1:000000000000:event-bus/default)
check create-discoverer "$out" "j['DiscovererId']=='events-event-bus-default' and j['State']=='STARTED'"
aws "${E[@]}" events put-events --entries '[{"Source":"mystore","DetailType":"Review Created","Detail":"{\"reviewId\":\"R-1\",\"stars\":5,\"at\":\"2024-06-15T10:00:00Z\"}"}]' >/dev/null
for _ in $(seq 50); do
  out=$(aws "${E[@]}" schemas describe-schema --registry-name discovered-schemas --schema-name mystore@ReviewCreated 2>/dev/null || echo null)
  [ "$out" != null ] && break
  sleep 0.1
done
check "describe-schema: discovered" "$out" "j['SchemaVersion']=='1' and j['Type']=='JSONSchemaDraft4' and json.loads(j['Content'])['properties']['detail']['properties']['stars']=={'type':'integer'}"
out=$(aws "${E[@]}" schemas search-schemas --registry-name discovered-schemas --keywords review)
check search-schemas "$out" "[s['SchemaName'] for s in j['Schemas']]==['mystore@ReviewCreated']"
out=$(aws "${E[@]}" schemas export-schema --registry-name discovered-schemas --schema-name mystore@ReviewCreated --type JSONSchemaDraft4)
check export-schema "$out" "json.loads(j['Content'])['properties']['detail']['properties']['at']=={'type':'string','format':'date-time'}"
echo "pipes and schema walkthroughs: all $step steps passed"
