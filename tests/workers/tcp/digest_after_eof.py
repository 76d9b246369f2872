"""TCP backend for half-close tests.

Listens on 127.0.0.1 (port from argv[1], 0 = any) and prints "PORT <n>" once ready. For each
connection it reads until the client ends its sending side, then replies "<bytes> <sha256>\n"
and closes. A backend that answers only after end of input needs the half-close passed on.
"""
import hashlib
import socket
import sys
import threading


def serve(conn):
    with conn:
        digest = hashlib.sha256()
        total = 0
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            digest.update(chunk)
            total += len(chunk)
        conn.sendall(f"{total} {digest.hexdigest()}\n".encode())


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
