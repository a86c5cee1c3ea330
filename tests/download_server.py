#!/usr/bin/env python3
# Loopback HTTP server for the `lpmap download` tests (docs/formats.md §6).
# Serves ROOT with generated HTML index pages for folders, honours
# "Range: bytes=N-" (206 / 416), and injects faults from FAULTS (JSON:
# {"/url/path": ["429", "503", "truncate", "ignore-range", "404"], ...}),
# one per request to that path ("ignore-range": per ranged request), then
# serves normally. Each request is
# appended to LOG as "GET PATH RANGE STATUS". Binds 127.0.0.1 on a free
# port, written to PORTFILE. Stops after MAX_SECONDS (default 120) so a
# test that forgets it never leaves it running.
# usage: download_server.py ROOT PORTFILE LOG [FAULTS] [MAX_SECONDS]
import html
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(sys.argv[1])
PORTFILE, LOGFILE = sys.argv[2], sys.argv[3]
FAULTS = {}
if len(sys.argv) > 4 and sys.argv[4]:
    with open(sys.argv[4]) as f:
        FAULTS = json.load(f)
MAX_SECONDS = float(sys.argv[5]) if len(sys.argv) > 5 else 120.0
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, status):
        with LOCK, open(LOGFILE, "a") as f:
            f.write("%s %s %s %d\n" % (self.command, self.path,
                                        self.headers.get("Range", "-"), status))

    def next_fault(self, path):
        with LOCK:
            todo = FAULTS.get(path)
            if not todo:
                return None
            # "ignore-range" waits for a request that has a Range header.
            if todo[0] == "ignore-range" and "Range" not in self.headers:
                return None
            return todo.pop(0)

    def simple(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.record(status)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        fault = self.next_fault(path)
        if fault == "429":
            return self.simple(429, b"slow down", [("Retry-After", "1")])
        if fault in ("503", "500"):
            return self.simple(int(fault), b"unavailable")
        if fault == "404":
            return self.simple(404, b"not found")
        local = os.path.normpath(os.path.join(ROOT, urllib.parse.unquote(path).lstrip("/")))
        if not (local == ROOT or local.startswith(ROOT + os.sep)) or not os.path.exists(local):
            return self.simple(404, b"not found")
        if os.path.isdir(local):
            if not path.endswith("/"):
                return self.simple(301, b"", [("Location", path + "/")])
            names = sorted(os.listdir(local))
            links = ['<a href="?C=N;O=D">Name</a>', '<a href="../">Parent Directory</a>']
            for n in names:
                slash = "/" if os.path.isdir(os.path.join(local, n)) else ""
                links.append('<a href="%s%s">%s%s</a>' % (urllib.parse.quote(n), slash,
                                                          html.escape(n), slash))
            body = ("<html><body><h1>Index of %s</h1>\n%s\n</body></html>\n"
                    % (html.escape(path), "<br>\n".join(links))).encode()
            return self.simple(200, body, [("Content-Type", "text/html")])
        with open(local, "rb") as f:
            data = f.read()
        start = 0
        rng = self.headers.get("Range")
        if rng and fault != "ignore-range" and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data):
                return self.simple(416, b"", [("Content-Range", "bytes */%d" % len(data))])
        part = data[start:]
        status = 206 if start else 200
        self.send_response(status)
        self.send_header("Content-Length", str(len(part)))
        if status == 206:
            self.send_header("Content-Range",
                             "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.end_headers()
        if fault == "truncate":
            self.wfile.write(part[: len(part) // 2])
            self.wfile.flush()
            self.record(status)
            self.close_connection = True
            return
        self.wfile.write(part)
        self.record(status)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
stopper = threading.Timer(MAX_SECONDS, server.shutdown)
stopper.daemon = True
stopper.start()
server.serve_forever()
