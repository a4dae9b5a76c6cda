#!/usr/bin/env bash
# The README's "Functions" walkthrough, run with the real aws CLI against
# `patternc serve`: a Python handler.py is zipped and created, targeted by a
# bus rule and fed with put-events; its printed line must be in
# /aws/lambda/order-processor for the billing event and not for the
# shipping one. Then an async invoke is watched three ways: curl polling, a
# webhook receiver that checks signatures, and a WebSocket client.
# Usage: functions_walkthrough.sh  (PATTERNC=path/to/binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
for tool in aws python3 curl; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP functions walkthrough: $tool is not installed"; exit 0; }
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
"$bin" serve --listen 127.0.0.1:$port --data "$work/data" --callback-secret walkthrough-secret >"$work/serve.out" 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
E=(--endpoint-url "http://127.0.0.1:$port")
base=http://127.0.0.1:$port
step=0
check() {
  step=$((step+1))
  if ! python3 -c "import json,sys; j=json.loads(sys.argv[1] or 'null'); sys.exit(0 if ($3) else 1)" "$2"; then
    echo "FAIL step $step ($1): $3"; echo "output: $2"; tail -20 "$work/serve.log"; exit 1
  fi
  echo "ok $step - $1"
}

# The handler every Lambda tutorial starts from.
cat > "$work/handler.py" <<'PY'
import json

def handler(event, context):
    print("order", event["detail"]["orderId"], "for", event["detail"]["department"])
    return {"statusCode": 200, "body": json.dumps({"orderId": event["detail"]["orderId"]})}
PY
(cd "$work" && python3 -c 'import zipfile; z = zipfile.ZipFile("function.zip", "w"); z.write("handler.py"); z.close()')

out=$(aws "${E[@]}" lambda create-function --function-name order-processor --runtime python3.12 \
  --handler handler.handler --role arn:aws:iam::000000000000:role/lambda-role --zip-file "fileb://$work/function.zip")
check create-function "$out" "j['FunctionArn']=='arn:aws:lambda:us-east-1:000000000000:function:order-processor' and j['Runtime']=='python3.12' and j['State']=='Active'"
out=$(aws "${E[@]}" events create-event-bus --name orders)
check create-event-bus "$out" "j['EventBusArn'].endswith(':event-bus/orders')"
out=$(aws "${E[@]}" events put-rule --name billing --event-bus-name orders \
  --event-pattern '{"source":["com.mycompany.orders"],"detail":{"department":["billing"]}}')
check put-rule "$out" "j['RuleArn'].endswith(':rule/orders/billing')"
out=$(aws "${E[@]}" events put-targets --rule billing --event-bus-name orders \
  --targets Id=processor,Arn=arn:aws:lambda:us-east-1:000000000000:function:order-processor)
check put-targets "$out" "j['FailedEntryCount']==0"
out=$(aws "${E[@]}" events put-events --entries '[
  {"EventBusName":"orders","Source":"com.mycompany.orders","DetailType":"OrderPlaced","Detail":"{\"orderId\":\"ORD-1\",\"department\":\"billing\"}"},
  {"EventBusName":"orders","Source":"com.mycompany.orders","DetailType":"OrderPlaced","Detail":"{\"orderId\":\"ORD-2\",\"department\":\"shipping\"}"}]')
check put-events "$out" "j['FailedEntryCount']==0 and len(j['Entries'])==2"

# The function runs asynchronously: wait for its line in the log group.
for _ in $(seq 100); do
  out=$(aws "${E[@]}" logs filter-log-events --log-group-name /aws/lambda/order-processor --filter-pattern '"order ORD-1"' 2>/dev/null || echo '{"events":[]}')
  python3 -c "import json,sys; sys.exit(0 if json.loads(sys.argv[1])['events'] else 1)" "$out" && break
  sleep 0.2
done
check "filter-log-events: the billing order's line" "$out" "len(j['events'])==1 and j['events'][0]['message']=='order ORD-1 for billing' and '[\$LATEST]' in j['events'][0]['logStreamName']"
out=$(aws "${E[@]}" logs filter-log-events --log-group-name /aws/lambda/order-processor --filter-pattern shipping)
check "filter-log-events: nothing for the shipping order" "$out" "j['events']==[]"
out=$(aws "${E[@]}" logs filter-log-events --log-group-name /aws/lambda/order-processor --filter-pattern '"REPORT RequestId"')
check "filter-log-events: one REPORT line, a cold start" "$out" "len(j['events'])==1 and 'Init Duration' in j['events'][0]['message']"

# A synchronous invoke with the log tail.
out=$(aws "${E[@]}" lambda invoke --function-name order-processor --log-type Tail \
  --payload '{"detail":{"orderId":"ORD-3","department":"billing"}}' "$work/out.json")
check "invoke: 200, warm, log tail" "$out" "j['StatusCode']==200 and 'order ORD-3 for billing' in __import__('base64').b64decode(j['LogResult']).decode() and 'Init Duration' not in __import__('base64').b64decode(j['LogResult']).decode()"
check "invoke: the handler's result" "$(cat "$work/out.json")" "j['statusCode']==200"

# An async invoke, watched three ways.
python3 "$here/webhook_receiver.py" "$work/hook.port" walkthrough-secret "$work/hook.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/hook.port" ] && break; sleep 0.1; done
python3 "$here/wsclient.py" "ws://127.0.0.1:$port/v1/ws" --send '{"op":"subscribe","function":"order-processor"}' \
  --send '{"op":"ping"}' --until '"status":"succeeded"' >"$work/ws.log" &
wspid=$!
pids+=($wspid)
for _ in $(seq 50); do grep -q pong "$work/ws.log" 2>/dev/null && break; sleep 0.1; done
out=$(curl -fsS -X POST "$base/v1/functions/order-processor/invocations" \
  -H "X-Patternc-Callback-Url: http://127.0.0.1:$(cat "$work/hook.port")/hook" -H 'X-Patternc-Callback-Events: all' \
  -d '{"detail":{"orderId":"ORD-4","department":"billing"}}')
check "POST /v1/functions/…/invocations: 202 queued" "$out" "j['status']=='queued' and j['statusUrl']=='/v1/invocations/'+j['invocationId']"
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["invocationId"])' "$out")
etag='"0"'
for _ in $(seq 30); do
  out=$(curl -fsS -H "If-None-Match: $etag" "$base/v1/invocations/$id?waitSeconds=5" -D "$work/headers" || true)
  [ -n "$out" ] && etag=$(grep -i '^etag:' "$work/headers" | tr -d '\r' | cut -d' ' -f2)
  [ -n "$out" ] && python3 -c "import json,sys; sys.exit(0 if json.loads(sys.argv[1])['status'] in ('succeeded','failed','expired') else 1)" "$out" && break
done
check "curl polling: succeeded" "$out" "j['status']=='succeeded' and j['result']['statusCode']==200 and j['attempts']==1"
wait $wspid
check "WebSocket: queued, running, succeeded in order" "$(python3 -c '
import json,sys
frames=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(json.dumps([f["invocation"]["status"] for f in frames if f.get("invocation",{}).get("invocationId")==sys.argv[2]]))' "$work/ws.log" "$id")" \
  "j==['queued','running','succeeded']"
for _ in $(seq 50); do [ "$(wc -l < "$work/hook.log" 2>/dev/null || echo 0)" -ge 3 ] && break; sleep 0.1; done
check "webhook: three signed notifications in revision order" "$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().split(chr(10))[:-1]))' "$work/hook.log")" \
  "j==['sig-ok queued 1','sig-ok running 2','sig-ok succeeded 3']"
out=$(curl -sS "$base/metrics")
for m in 'patternc_request_duration_seconds_count{operation="Invoke",service="lambda"' 'patternc_runtime_function_invocations{account="000000000000"}' \
  'patternc_status_webhook_deliveries{account="000000000000"} 3' 'patternc_runtime_invocations_succeeded{account="000000000000"}'; do
  echo "$out" | grep -qF "$m" || { echo "FAIL: /metrics lacks $m"; exit 1; }
done
echo "ok - functions walkthrough ($step checks)"
