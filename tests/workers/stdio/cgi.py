"""A CGI program whose answer is chosen by QUERY_STRING."""
import os
import sys

query = os.environ.get("QUERY_STRING", "")
out = sys.stdout.buffer

if query == "env":
    out.write(b"Content-Type: text/plain\r\n\r\n")
    for key in sorted(os.environ):
        out.write(("%s=%s\n" % (key, os.environ[key])).encode())
elif query == "body":
    body = sys.stdin.buffer.read()
    out.write(b"Content-Type: application/octet-stream\n")
    out.write(b"X-Length: %s\n\n" % os.environ.get("CONTENT_LENGTH", "none").encode())
    out.write(body)
elif query == "status":
    out.write(b"Status: 404 Not Here\nContent-Type: text/plain\nX-Extra: yes\n\nmissing\n")
elif query == "redirect":
    out.write(b"Location: http://example.com/elsewhere\n\n")
elif query == "local":
    out.write(b"Location: /target?env\n\n")
elif query == "length":
    out.write(b"Content-Type: text/plain\nContent-Length: 5\n\nhello")
elif query == "malformed":
    out.write(b"this is not a header\n\nbody\n")
elif query == "fail":
    sys.exit(3)
else:
    out.write(b"Content-Type: text/plain\n\npath=%s\n" % os.environ.get("PATH_INFO", "").encode())
out.flush()
