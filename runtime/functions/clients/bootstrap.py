"""patternc's runtime client for python3.x functions.

It loads the handler named by _HANDLER ("file.function") from
LAMBDA_TASK_ROOT and loops on the Lambda Runtime API (2018-06-01) at
AWS_LAMBDA_RUNTIME_API, as AWS's own client does: GET the next
invocation, call handler(event, context), POST the result or an error
document {"errorMessage", "errorType", "requestId", "stackTrace"}.
A failure to load the handler is POSTed to /runtime/init/error.
"""
import http.client
import importlib
import json
import os
import sys
import time
import traceback

BASE = "/2018-06-01/runtime"


class RuntimeClient:
    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        # One kept-alive connection; a dropped one is dialled again once.
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port)
            try:
                self.conn.request(method, BASE + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                return resp.status, resp.headers, resp.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def post_error(self, path, doc):
        body = json.dumps(doc).encode()
        return self.request("POST", path, body, {
            "Content-Type": "application/json",
            "Lambda-Runtime-Function-Error-Type": doc.get("errorType", "Unhandled"),
        })


class InitError(Exception):
    def __init__(self, error_type, message, stack=None):
        super().__init__(message)
        self.error_type = error_type
        self.stack = stack or []


class LambdaContext:
    """The context object AWS passes as the handler's second argument."""

    def __init__(self, request_id, deadline_ms, function_arn, client_context, identity):
        env = os.environ
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = identity
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def load_handler():
    handler = os.environ.get("_HANDLER", "")
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", os.getcwd()))
    if "." not in handler:
        raise InitError("Runtime.MalformedHandlerName",
                        "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler)
    module_name, function_name = handler.rsplit(".", 1)
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as e:
        raise InitError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e))
    except ImportError as e:
        raise InitError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except Exception as e:
        raise InitError(type(e).__name__, str(e), traceback.format_list(traceback.extract_tb(e.__traceback__)))
    fn = getattr(module, function_name, None)
    if fn is None:
        raise InitError("Runtime.HandlerNotFound",
                        "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return fn


def error_doc(exc, request_id):
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }


def log_error(doc):
    # Lambda logs an unhandled error as one [ERROR] line and the traceback.
    print("[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"]))
    if doc.get("stackTrace"):
        print("Traceback (most recent call last):")
        for frame in doc["stackTrace"]:
            print(frame.rstrip("\n"))
    sys.stdout.flush()


def main():
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler()
    except InitError as e:
        doc = {"errorMessage": str(e), "errorType": e.error_type, "requestId": "", "stackTrace": e.stack}
        log_error(doc)
        client.post_error("/init/error", doc)
        sys.exit(1)
    while True:
        status, headers, body = client.request("GET", "/invocation/next")
        if status != 200:
            sys.exit(0)  # the environment is shutting down
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        os.environ["_X_AMZN_TRACE_ID"] = headers.get("Lambda-Runtime-Trace-Id", "")
        client_context = headers.get("Lambda-Runtime-Client-Context")
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        ctx = LambdaContext(request_id, int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
                            headers.get("Lambda-Runtime-Invoked-Function-Arn", ""),
                            json.loads(client_context) if client_context else None,
                            json.loads(identity) if identity else None)
        path = "/invocation/%s" % request_id
        try:
            event = json.loads(body) if body else None
        except ValueError as e:
            doc = {"errorMessage": "Unable to unmarshal input: %s" % e, "errorType": "Runtime.UnmarshalError",
                   "requestId": request_id, "stackTrace": []}
            log_error(doc)
            client.post_error(path + "/error", doc)
            continue
        try:
            result = handler(event, ctx)
        except Exception as e:
            doc = error_doc(e, request_id)
            log_error(doc)
            client.post_error(path + "/error", doc)
            continue
        try:
            out = json.dumps(result).encode()
        except (TypeError, ValueError) as e:
            doc = {"errorMessage": "Unable to marshal response: %s" % e, "errorType": "Runtime.MarshalError",
                   "requestId": request_id, "stackTrace": []}
            log_error(doc)
            client.post_error(path + "/error", doc)
            continue
        sys.stdout.flush()
        client.request("POST", path + "/response", out, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
