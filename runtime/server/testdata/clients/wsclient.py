"""A minimal WebSocket client (standard library only) for the walkthrough:
connects, sends each message given, prints every text frame it receives as
one line, answers pings, and exits when a frame contains --until or after
--timeout seconds. Usage: wsclient.py URL [--send JSON]... [--until TEXT]"""
import argparse, base64, os, socket, struct, sys, time, urllib.parse

def frame(opcode, payload):
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

def recv_exact(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise EOFError("connection closed")
        out += chunk
    return out

def read_frame(sock):
    b0, b1 = recv_exact(sock, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", recv_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack(">Q", recv_exact(sock, 8))[0]
    return b0 & 0x0F, recv_exact(sock, n)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--until", default="")
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    sock = socket.create_connection((u.hostname, u.port), timeout=a.timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += recv_exact(sock, 1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        sys.exit("handshake failed: " + head.decode(errors="replace"))
    for msg in a.send:
        sock.sendall(frame(1, msg.encode()))
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        op, payload = read_frame(sock)
        if op == 9:  # ping
            sock.sendall(frame(10, payload))
        elif op == 8:  # close
            print("close", struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005, flush=True)
            return
        elif op == 1:
            text = payload.decode()
            print(text, flush=True)
            if a.until and a.until in text:
                sock.sendall(frame(8, struct.pack(">H", 1000)))
                return
    sys.exit("timed out")

if __name__ == "__main__":
    main()
