"""boto3 smoke test of `patternc serve`: PutEvents -> SQS and Publish -> a
filtered SQS subscription, over a real loopback socket with SigV4.

Run: python3 -m unittest runtime/server/testdata/clients/boto3_smoke.py
(PATTERNC=path/to/binary, else it is built with go build).
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:  # pragma: no cover
    boto3 = None

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
ACCOUNT = "123456789012"


@unittest.skipIf(boto3 is None, "boto3 is not installed (pip install boto3)")
class Boto3Smoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        binary = os.environ.get("PATTERNC")
        if not binary:
            binary = os.path.join(cls.tmp.name, "patternc")
            subprocess.run(["go", "build", "-o", binary, "./cmd/patternc"], cwd=ROOT, check=True)
        creds = os.path.join(cls.tmp.name, "creds.yaml")
        with open(creds, "w") as f:
            f.write('- access_key_id: AKIDBOTO\n  secret_access_key: boto-secret\n  account: "%s"\n' % ACCOUNT)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        cls.url = "http://127.0.0.1:%d" % port
        cls.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:%d" % port, "--data", os.path.join(cls.tmp.name, "data"),
             "--auth", "sigv4", "--credentials", creds],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                with urllib.request.urlopen(cls.url + "/health") as r:
                    if json.load(r) == {"status": "ok"}:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("serve did not become healthy")
        kw = dict(endpoint_url=cls.url, region_name="us-east-1", aws_access_key_id="AKIDBOTO",
                  aws_secret_access_key="boto-secret", config=Config(retries={"max_attempts": 1}))
        cls.events = boto3.client("events", **kw)
        cls.sns = boto3.client("sns", **kw)
        cls.sqs = boto3.client("sqs", **kw)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=20)
        cls.tmp.cleanup()

    def drain(self, url, want, wait=5):
        got = []
        deadline = time.time() + 10
        while len(got) < want and time.time() < deadline:
            out = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                           MessageAttributeNames=["All"])
            for m in out.get("Messages", []):
                got.append(m)
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        extra = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2).get("Messages", [])
        return got + extra

    def test_put_events_to_queue(self):
        url = self.sqs.create_queue(QueueName="boto-events")["QueueUrl"]
        self.assertEqual(url, self.url + "/%s/boto-events" % ACCOUNT)
        self.events.create_event_bus(Name="boto-bus")
        self.events.put_rule(Name="r", EventBusName="boto-bus",
                             EventPattern=json.dumps({"source": ["app"], "detail": {"kind": ["good"]}}))
        self.events.put_targets(Rule="r", EventBusName="boto-bus",
                                Targets=[{"Id": "q", "Arn": "arn:aws:sqs:us-east-1:%s:boto-events" % ACCOUNT}])
        out = self.events.put_events(Entries=[
            {"Source": "app", "DetailType": "t", "Detail": json.dumps({"kind": "good", "n": 1}), "EventBusName": "boto-bus"},
            {"Source": "app", "DetailType": "t", "Detail": json.dumps({"kind": "bad", "n": 2}), "EventBusName": "boto-bus"},
        ])
        self.assertEqual(out["FailedEntryCount"], 0)
        msgs = self.drain(url, 1)
        self.assertEqual(len(msgs), 1, msgs)
        event = json.loads(msgs[0]["Body"])
        self.assertEqual(event["id"], out["Entries"][0]["EventId"])
        self.assertEqual(event["detail"], {"kind": "good", "n": 1})
        self.assertEqual(event["account"], ACCOUNT)
        with self.assertRaises(ClientError) as cm:
            self.events.describe_rule(Name="nope", EventBusName="boto-bus")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_publish_to_filtered_subscription(self):
        url = self.sqs.create_queue(QueueName="boto-sns")["QueueUrl"]
        topic = self.sns.create_topic(Name="boto-topic")["TopicArn"]
        self.assertEqual(topic, "arn:aws:sns:us-east-1:%s:boto-topic" % ACCOUNT)
        sub = self.sns.subscribe(TopicArn=topic, Protocol="sqs",
                                 Endpoint="arn:aws:sqs:us-east-1:%s:boto-sns" % ACCOUNT,
                                 Attributes={"FilterPolicy": json.dumps({"tier": ["gold"]}),
                                             "RawMessageDelivery": "true"})
        self.assertTrue(sub["SubscriptionArn"].startswith(topic + ":"))
        attr = lambda v: {"tier": {"DataType": "String", "StringValue": v}}
        gold = self.sns.publish(TopicArn=topic, Message="for gold", MessageAttributes=attr("gold"))
        self.sns.publish(TopicArn=topic, Message="for silver", MessageAttributes=attr("silver"))
        self.assertEqual(len(gold["MessageId"]), 36)
        msgs = self.drain(url, 1)
        self.assertEqual([m["Body"] for m in msgs], ["for gold"])
        self.assertEqual(msgs[0]["MessageAttributes"]["tier"]["StringValue"], "gold")
        with self.assertRaises(ClientError) as cm:
            self.sns.publish(TopicArn=topic + "-missing", Message="x")
        self.assertEqual(cm.exception.response["Error"]["Code"], "NotFound")


if __name__ == "__main__":
    unittest.main()
