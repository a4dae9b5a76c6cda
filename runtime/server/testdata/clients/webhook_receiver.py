"""A webhook receiver for the walkthrough: it checks each request's
X-Patternc-Signature (HMAC-SHA256 of "timestamp.body" with the secret) and
appends one line per request to OUT: "sig-ok STATUS REVISION" or "sig-bad".
Usage: webhook_receiver.py PORTFILE SECRET OUT"""
import hashlib, hmac, http.server, json, sys

portfile, secret, out = sys.argv[1], sys.argv[2].encode(), sys.argv[3]

class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ts = self.headers.get("X-Patternc-Timestamp", "")
        want = "sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, self.headers.get("X-Patternc-Signature", ""))
        inv = json.loads(body)["invocation"]
        with open(out, "a") as f:
            f.write(("sig-ok" if ok else "sig-bad") + " %s %d\n" % (inv["status"], inv["revision"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

srv = http.server.HTTPServer(("127.0.0.1", 0), Hook)
with open(portfile, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
