#!/usr/bin/env bash
# The "Run it locally" walkthrough, run with the real aws CLI against
# `patternc serve`, asserting every answer — including the events that must
# not arrive. Usage: walkthrough.sh [none|sigv4]  (PATTERNC=path/to/binary)
set -euo pipefail
mode=${1:-none}
. "$(dirname "$0")/lib.sh"
need walkthrough aws python3 curl
setup
args=()
acct=000000000000
if [ "$mode" = sigv4 ]; then
  cat > "$work/creds.yaml" <<CREDS
- access_key_id: AKIDWALKTHROUGH
  secret_access_key: walkthrough-secret
  account: "123456789012"
CREDS
  args+=(--auth sigv4 --credentials "$work/creds.yaml")
  export AWS_ACCESS_KEY_ID=AKIDWALKTHROUGH AWS_SECRET_ACCESS_KEY=walkthrough-secret
  acct=123456789012
fi
start_serve "${args[@]}"
grep -q "listening on 127.0.0.1:$port (use --endpoint-url http://127.0.0.1:$port)" "$work/serve.out" || { echo "FAIL: start-up line"; cat "$work/serve.out" "$work/serve.log"; exit 1; }

out=$(aws "${E[@]}" events create-event-bus --name demo-orders-bus)
check create-event-bus "$out" "j['EventBusArn']=='arn:aws:events:us-east-1:$acct:event-bus/demo-orders-bus'"
out=$(aws "${E[@]}" events put-rule --name billing-orders-rule --event-bus-name demo-orders-bus \
  --event-pattern '{"source":["com.mycompany.orders"],"detail":{"department":["billing"]}}' --state ENABLED)
check put-rule "$out" "j['RuleArn']=='arn:aws:events:us-east-1:$acct:rule/demo-orders-bus/billing-orders-rule'"
out=$(aws "${E[@]}" sqs create-queue --queue-name billing)
check create-queue "$out" "j['QueueUrl']=='http://127.0.0.1:$port/$acct/billing'"
qurl=http://127.0.0.1:$port/$acct/billing
out=$(aws "${E[@]}" events put-targets --rule billing-orders-rule --event-bus-name demo-orders-bus --targets Id=q,Arn=arn:aws:sqs:us-east-1:$acct:billing)
check put-targets "$out" "j['FailedEntryCount']==0 and j['FailedEntries']==[]"
out=$(aws "${E[@]}" events put-events --entries '[{"Source":"com.mycompany.orders","DetailType":"Order Created","Detail":"{\"orderId\":\"ORD-001\",\"department\":\"billing\",\"amount\":250}","EventBusName":"demo-orders-bus"}]')
check put-events-billing "$out" "j['FailedEntryCount']==0 and len(j['Entries'][0]['EventId'])==36"
billing_id=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['Entries'][0]['EventId'])" "$out")
out=$(aws "${E[@]}" events put-events --entries '[{"Source":"com.mycompany.orders","DetailType":"Order Created","Detail":"{\"orderId\":\"ORD-002\",\"department\":\"shipping\",\"amount\":99}","EventBusName":"demo-orders-bus"}]')
check put-events-shipping "$out" "j['FailedEntryCount']==0"
out=$(aws "${E[@]}" sqs receive-message --queue-url "$qurl" --max-number-of-messages 10 --wait-time-seconds 5)
check receive-billing-event "$out" "len(j['Messages'])==1 and json.loads(j['Messages'][0]['Body'])['id']=='$billing_id' and json.loads(j['Messages'][0]['Body'])['detail']=={'orderId':'ORD-001','department':'billing','amount':250} and json.loads(j['Messages'][0]['Body'])['account']=='$acct'"
receipt=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['Messages'][0]['ReceiptHandle'])" "$out")
out=$(aws "${E[@]}" sqs delete-message --queue-url "$qurl" --receipt-handle "$receipt")
check delete-message "$out" "j is None"
# The shipping event must not arrive: wait, then the queue is empty.
out=$(aws "${E[@]}" sqs receive-message --queue-url "$qurl" --max-number-of-messages 10 --wait-time-seconds 3)
check shipping-event-does-not-arrive "$out" "j is None or j.get('Messages',[])==[]"

out=$(aws "${E[@]}" sns create-topic --name orders)
check create-topic "$out" "j['TopicArn']=='arn:aws:sns:us-east-1:$acct:orders'"
out=$(aws "${E[@]}" sns subscribe --topic-arn arn:aws:sns:us-east-1:$acct:orders --protocol sqs \
  --notification-endpoint arn:aws:sqs:us-east-1:$acct:billing \
  --attributes '{"FilterPolicy":"{\"department\":[\"billing\"],\"amount\":[{\"numeric\":[\">=\",100]}]}"}')
check subscribe "$out" "j['SubscriptionArn'].startswith('arn:aws:sns:us-east-1:$acct:orders:')"
out=$(aws "${E[@]}" sns publish --topic-arn arn:aws:sns:us-east-1:$acct:orders --message '{"orderId":"ORD-003"}' \
  --message-attributes '{"department":{"DataType":"String","StringValue":"billing"},"amount":{"DataType":"Number","StringValue":"250"}}')
check publish-billing "$out" "len(j['MessageId'])==36"
msg_id=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['MessageId'])" "$out")
out=$(aws "${E[@]}" sns publish --topic-arn arn:aws:sns:us-east-1:$acct:orders --message '{"orderId":"ORD-004"}' \
  --message-attributes '{"department":{"DataType":"String","StringValue":"billing"},"amount":{"DataType":"Number","StringValue":"50"}}')
check publish-small "$out" "len(j['MessageId'])==36"
out=$(aws "${E[@]}" sqs receive-message --queue-url "$qurl" --max-number-of-messages 10 --wait-time-seconds 5)
check receive-notification "$out" "len(j['Messages'])==1 and json.loads(j['Messages'][0]['Body'])['Type']=='Notification' and json.loads(j['Messages'][0]['Body'])['MessageId']=='$msg_id' and json.loads(j['Messages'][0]['Body'])['Message']=='{\"orderId\":\"ORD-003\"}' and json.loads(j['Messages'][0]['Body'])['MessageAttributes']['amount']=={'Type':'Number','Value':'250'}"
receipt=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['Messages'][0]['ReceiptHandle'])" "$out")
aws "${E[@]}" sqs delete-message --queue-url "$qurl" --receipt-handle "$receipt"
out=$(aws "${E[@]}" sqs receive-message --queue-url "$qurl" --max-number-of-messages 10 --wait-time-seconds 3)
check small-order-does-not-arrive "$out" "j is None or j.get('Messages',[])==[]"

# AWS_ENDPOINT_URL instead of --endpoint-url.
out=$(AWS_ENDPOINT_URL="http://127.0.0.1:$port" aws events list-event-buses --cli-connect-timeout 2)
check aws-endpoint-url-env "$out" "[b['Name'] for b in j['EventBuses']]==['default','demo-orders-bus']"

# AWS's errors come back as the CLI shows them.
set +e
err=$(aws "${E[@]}" events describe-event-bus --name nope 2>&1); rc=$?
set -e
check describe-unknown-bus "\"$rc\"" "j!='0' and 'ResourceNotFoundException' in '''$err''' and 'Event bus nope does not exist.' in '''$err'''"
set +e
err=$(aws "${E[@]}" sns get-topic-attributes --topic-arn arn:aws:sns:us-east-1:$acct:nope 2>&1); rc=$?
set -e
check unknown-topic "\"$rc\"" "j!='0' and '(NotFound)' in '''$err''' and 'Topic does not exist' in '''$err'''"
if [ "$mode" = sigv4 ]; then
  set +e
  err=$(AWS_SECRET_ACCESS_KEY=wrong aws "${E[@]}" events list-event-buses 2>&1); rc=$?
  set -e
  check wrong-secret "\"$rc\"" "j!='0' and 'InvalidSignatureException' in '''$err'''"
fi
stop_serve
echo "PASS walkthrough ($mode): $step checks"
