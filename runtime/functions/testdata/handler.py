import os
import sys
import time


def handler(event, context):
    action = event.get("action")
    if action == "print":
        print("py says:", event.get("text"))
    elif action == "error":
        raise ValueError(event.get("text"))
    elif action == "sleep":
        time.sleep(event["sleepMs"] / 1000)
    elif action == "crash":
        os._exit(3)
    elif action == "big":
        return "x" * event["size"]
    elif action == "flood":
        chunk = "y" * 1023 + "\n"
        for _ in range(event["mb"] * 1024):
            sys.stdout.write(chunk)
    return {"echo": event.get("text"), "requestId": context.aws_request_id,
            "function": context.function_name, "hasDeadline": context.get_remaining_time_in_millis() > 0}
