"""WebSocket echo backend for proxy tests (stdlib only).

Usage: ws_echo.py PORT

Answers the opening handshake by hand (RFC 6455 4.2.2), choosing the first subprotocol the client
offers, echoes text and binary frames (fragments as they came), answers pings, and mirrors a close frame. Any plain request
without an Upgrade header gets "HTTP/1.1 200 OK" with the text "plain". Prints READY when listening.
"""
import base64
import hashlib
import socket
import struct
import sys
import threading

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return (lines[0], headers), rest


def recv_exact(conn, n, buf):
    while len(buf) < n:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError()
        buf += chunk
    return buf[:n], buf[n:]


def send_frame(conn, opcode, payload, fin=True):
    header = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        header += bytes([n])
    elif n < 65536:
        header += bytes([126]) + struct.pack(">H", n)
    else:
        header += bytes([127]) + struct.pack(">Q", n)
    conn.sendall(header + payload)


def serve(conn):
    with conn:
        parsed, buf = read_head(conn)
        if parsed is None:
            return
        request_line, headers = parsed
        if headers.get("upgrade", "").lower() != "websocket":
            body = b"plain"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n" + body)
            return
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Accept: " + accept]
        offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        if offered:
            lines.append("Sec-WebSocket-Protocol: " + offered[0])
        lines.append("X-Seen-Path: " + request_line.split(" ")[1])
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        try:
            while True:
                head, buf = recv_exact(conn, 2, buf)
                fin = bool(head[0] & 0x80)
                opcode = head[0] & 0x0F
                masked = head[1] & 0x80
                n = head[1] & 0x7F
                if n == 126:
                    ext, buf = recv_exact(conn, 2, buf)
                    n = struct.unpack(">H", ext)[0]
                elif n == 127:
                    ext, buf = recv_exact(conn, 8, buf)
                    n = struct.unpack(">Q", ext)[0]
                mask = b""
                if masked:
                    mask, buf = recv_exact(conn, 4, buf)
                payload, buf = recv_exact(conn, n, buf)
                if masked:
                    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                if opcode == 0x8:
                    send_frame(conn, 0x8, payload[:2])
                    return
                if opcode == 0x9:
                    send_frame(conn, 0xA, payload)
                elif opcode in (0x1, 0x2, 0x0):
                    # fragments go back as they came, so a split message stays one message
                    send_frame(conn, opcode, payload, fin)
        except (EOFError, OSError):
            return


def main():
    port = int(sys.argv[1])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    print("READY", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
