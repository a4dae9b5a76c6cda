#!/usr/bin/env python3
"""Regenerate the trimmed AWS service models that `patternc serve` embeds.

Reads the service-2.json models shipped with botocore (the contract for wire
shapes) and keeps only what a protocol codec needs: operations (input/output
shape, result wrapper) and shapes (type, members with their wire names, list
members, map keys and values, flattening). Documentation is dropped.

Usage: python3 runtime/server/models/gen.py   (from the repository root)
"""
import gzip, json, os, botocore

SERVICES = {"events": "2015-10-07", "sns": "2010-03-31", "sqs": "2012-11-05", "logs": "2014-03-28"}
HERE = os.path.dirname(os.path.abspath(__file__))


def ref(r):
    out = {"shape": r["shape"]}
    for k in ("locationName", "flattened"):
        if k in r:
            out[k] = r[k]
    return out


def trim(model):
    ops = {}
    for name, op in model["operations"].items():
        o = {}
        if "input" in op:
            o["input"] = op["input"]["shape"]
        if "output" in op:
            o["output"] = op["output"]["shape"]
            if "resultWrapper" in op["output"]:
                o["resultWrapper"] = op["output"]["resultWrapper"]
        ops[name] = o
    shapes = {}
    for name, s in model["shapes"].items():
        t = {"type": s["type"]}
        if s.get("flattened"):
            t["flattened"] = True
        if s["type"] == "structure":
            t["members"] = {m: ref(r) for m, r in s.get("members", {}).items()}
            if s.get("required"):
                t["required"] = s["required"]
            if s.get("exception") or s.get("error"):
                err = dict(s.get("error", {}))
                err.setdefault("code", name)
                t["error"] = err
        elif s["type"] == "list":
            t["member"] = ref(s["member"])
        elif s["type"] == "map":
            t["key"] = ref(s["key"])
            t["value"] = ref(s["value"])
        shapes[name] = t
    meta = model["metadata"]
    return {"metadata": {k: meta[k] for k in ("protocol", "protocols", "awsQueryCompatible", "apiVersion", "targetPrefix", "xmlNamespace", "jsonVersion") if k in meta},
            "operations": ops, "shapes": shapes}


# The SQS model moved to awsJson1_0 and lost the wire names its awsQuery
# form used (older CLIs such as awscli 2.9 still speak it); these restore
# them as the 2012-11-05 query model had them.
SQS_QUERY_NAMES = {
    "members": {
        ("CreateQueueRequest", "Attributes"): "Attribute",
        ("CreateQueueRequest", "tags"): "Tag",
        ("SetQueueAttributesRequest", "Attributes"): "Attribute",
        ("GetQueueAttributesResult", "Attributes"): "Attribute",
        ("SendMessageRequest", "MessageAttributes"): "MessageAttribute",
        ("SendMessageRequest", "MessageSystemAttributes"): "MessageSystemAttribute",
        ("SendMessageBatchRequestEntry", "MessageAttributes"): "MessageAttribute",
        ("SendMessageBatchRequestEntry", "MessageSystemAttributes"): "MessageSystemAttribute",
        ("Message", "Attributes"): "Attribute",
        ("Message", "MessageAttributes"): "MessageAttribute",
        ("TagQueueRequest", "Tags"): "Tag",
        ("ListQueueTagsResult", "Tags"): "Tag",
    },
    "listMembers": {
        "AttributeNameList": "AttributeName",
        "MessageAttributeNameList": "MessageAttributeName",
        "MessageSystemAttributeList": "AttributeName",
        "QueueUrlList": "QueueUrl",
        "MessageList": "Message",
        "BinaryList": "BinaryListValue",
        "StringList": "StringListValue",
        "TagKeyList": "TagKey",
        "AWSAccountIdList": "AWSAccountId",
        "ActionNameList": "ActionName",
        "BatchResultErrorEntryList": "BatchResultErrorEntry",
        "SendMessageBatchRequestEntryList": "SendMessageBatchRequestEntry",
        "SendMessageBatchResultEntryList": "SendMessageBatchResultEntry",
        "DeleteMessageBatchRequestEntryList": "DeleteMessageBatchRequestEntry",
        "DeleteMessageBatchResultEntryList": "DeleteMessageBatchResultEntry",
        "ChangeMessageVisibilityBatchRequestEntryList": "ChangeMessageVisibilityBatchRequestEntry",
        "ChangeMessageVisibilityBatchResultEntryList": "ChangeMessageVisibilityBatchResultEntry",
    },
    "mapKeys": {
        "QueueAttributeMap": ("Name", "Value"),
        "MessageBodyAttributeMap": ("Name", "Value"),
        "MessageBodySystemAttributeMap": ("Name", "Value"),
        "MessageSystemAttributeMap": ("Name", "Value"),
        "TagMap": ("Key", "Value"),
    },
}


# The awsQuery error codes of SQS's error shapes (the json model only names
# the shapes); shapes not listed keep their name as code.
SQS_QUERY_CODES = {
    "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue",
    "QueueNameExists": "QueueAlreadyExists",
    "BatchEntryIdsNotDistinct": "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    "EmptyBatchRequest": "AWS.SimpleQueueService.EmptyBatchRequest",
    "TooManyEntriesInBatchRequest": "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    "InvalidBatchEntryId": "AWS.SimpleQueueService.InvalidBatchEntryId",
    "BatchRequestTooLong": "AWS.SimpleQueueService.BatchRequestTooLong",
    "PurgeQueueInProgress": "AWS.SimpleQueueService.PurgeQueueInProgress",
    "QueueDeletedRecently": "AWS.SimpleQueueService.QueueDeletedRecently",
    "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
    "UnsupportedOperation": "AWS.SimpleQueueService.UnsupportedOperation",
}


def restore_sqs_query(model):
    shapes = model["shapes"]
    for name, code in SQS_QUERY_CODES.items():
        err = shapes[name].setdefault("error", {})
        err["code"] = code
        err.setdefault("httpStatusCode", 400)
        err.setdefault("senderFault", True)
    for (s, m), name in SQS_QUERY_NAMES["members"].items():
        shapes[s]["members"][m]["locationName"] = name
    for s, name in SQS_QUERY_NAMES["listMembers"].items():
        shapes[s]["member"]["locationName"] = name
    for s, (k, v) in SQS_QUERY_NAMES["mapKeys"].items():
        shapes[s]["key"]["locationName"] = k
        shapes[s]["value"]["locationName"] = v
    model["metadata"]["xmlNamespace"] = "http://queue.amazonaws.com/doc/2012-11-05/"


root = os.path.join(os.path.dirname(botocore.__file__), "data")
for svc, ver in SERVICES.items():
    with gzip.open(os.path.join(root, svc, ver, "service-2.json.gz"), "rt") as f:
        model = json.load(f)
    if svc == "sqs":
        restore_sqs_query(model)
    with open(os.path.join(HERE, svc + ".json"), "w") as f:
        json.dump(trim(model), f, sort_keys=True, separators=(",", ":"))
        f.write("\n")
