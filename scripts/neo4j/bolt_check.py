#!/usr/bin/env python3
"""Log in to a Bolt server and run `RETURN 1`, using the standard library only.

Used by scripts/neo4j-local to tell "the port is open" from "Neo4j answers and
accepts our password", without needing the neo4j driver to be installed.

Usage: bolt_check.py HOST PORT USER      (password in env NEO4J_LOCAL_CHECK_PASSWORD)
Exit codes: 0 ok, 1 not answering / protocol error, 2 authentication refused.
"""

import os
import socket
import struct
import sys


def pack(value):
    """PackStream-encode the few types this check sends."""
    if value is None:
        return b"\xc0"
    if isinstance(value, bool):
        return b"\xc3" if value else b"\xc2"
    if isinstance(value, int):
        if -16 <= value < 128:
            return struct.pack(">b", value)
        return b"\xcb" + struct.pack(">q", value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        n = len(data)
        if n < 16:
            head = bytes([0x80 | n])
        elif n < 256:
            head = b"\xd0" + bytes([n])
        else:
            head = b"\xd1" + struct.pack(">H", n)
        return head + data
    if isinstance(value, dict):
        n = len(value)
        head = bytes([0xA0 | n]) if n < 16 else b"\xd8" + bytes([n])
        return head + b"".join(pack(k) + pack(v) for k, v in value.items())
    raise TypeError(type(value))


def message(signature, *fields):
    body = bytes([0xB0 | len(fields), signature]) + b"".join(pack(f) for f in fields)
    return struct.pack(">H", len(body)) + body + b"\x00\x00"


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u(self, fmt):
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))[0]

    def value(self):
        m = self.take(1)[0]
        if m < 0x80:
            return m
        if m >= 0xF0:
            return m - 0x100
        hi, lo = m & 0xF0, m & 0x0F
        if hi == 0x80:
            return self.take(lo).decode("utf-8", "replace")
        if hi == 0x90:
            return [self.value() for _ in range(lo)]
        if hi == 0xA0:
            return {self.value(): self.value() for _ in range(lo)}
        if hi == 0xB0:
            tag = self.take(1)[0]
            return ("struct", tag, [self.value() for _ in range(lo)])
        simple = {0xC0: None, 0xC2: False, 0xC3: True}
        if m in simple:
            return simple[m]
        if m == 0xC1:
            return self.u(">d")
        ints = {0xC8: ">b", 0xC9: ">h", 0xCA: ">i", 0xCB: ">q"}
        if m in ints:
            return self.u(ints[m])
        sizes = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I"}  # bytes
        if m in sizes:
            return self.take(self.u(sizes[m]))
        sized = {0xD0: ">B", 0xD1: ">H", 0xD2: ">I"}
        if m in sized:
            return self.take(self.u(sized[m])).decode("utf-8", "replace")
        sized = {0xD4: ">B", 0xD5: ">H", 0xD6: ">I"}
        if m in sized:
            return [self.value() for _ in range(self.u(sized[m]))]
        sized = {0xD8: ">B", 0xD9: ">H", 0xDA: ">I"}
        if m in sized:
            return {self.value(): self.value() for _ in range(self.u(sized[m]))}
        raise ValueError("unknown PackStream marker 0x%02x" % m)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        part = sock.recv(n - len(buf))
        if not part:
            raise ConnectionError("connection closed by server")
        buf += part
    return buf


def recv_message(sock):
    data = b""
    while True:
        (size,) = struct.unpack(">H", recv_exact(sock, 2))
        if size == 0:
            if data:
                break
            continue  # NOOP keep-alive
        data += recv_exact(sock, size)
    value = Reader(data).value()
    if not (isinstance(value, tuple) and value[0] == "struct"):
        raise ValueError("unexpected Bolt message")
    return value[1], value[2]


SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F


def main():
    host, port, user = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    password = os.environ.get("NEO4J_LOCAL_CHECK_PASSWORD", "")
    try:
        with socket.create_connection((host, port), timeout=10) as sock:
            # Handshake: propose Bolt 5.0 then 4.4 (both take the credentials in HELLO).
            sock.sendall(b"\x60\x60\xb0\x17" + b"\x00\x00\x00\x05" + b"\x00\x00\x04\x04"
                         + b"\x00" * 8)
            agreed = recv_exact(sock, 4)
            if agreed == b"\x00" * 4:
                print("server refused Bolt 5.0/4.4", file=sys.stderr)
                return 1
            sock.sendall(message(0x01, {"user_agent": "neo4j-local-check/1",
                                        "scheme": "basic", "principal": user,
                                        "credentials": password}))
            sig, fields = recv_message(sock)
            if sig != SUCCESS:
                meta = fields[0] if fields and isinstance(fields[0], dict) else {}
                print("login refused: %s %s" % (meta.get("code"), meta.get("message")),
                      file=sys.stderr)
                return 2 if "Security" in str(meta.get("code")) else 1
            sock.sendall(message(0x10, "RETURN 1 AS ok", {}, {}) + message(0x3F, {"n": -1}))
            values = []
            for _ in range(2):  # RUN summary, then records + PULL summary
                while True:
                    sig, fields = recv_message(sock)
                    if sig == RECORD:
                        values.extend(fields[0])
                        continue
                    break
                if sig != SUCCESS:
                    meta = fields[0] if fields and isinstance(fields[0], dict) else {}
                    print("query failed: %s %s" % (meta.get("code"), meta.get("message")),
                          file=sys.stderr)
                    return 1
            sock.sendall(message(0x02))  # GOODBYE
            if values != [1]:
                print("unexpected result %r" % (values,), file=sys.stderr)
                return 1
            return 0
    except (OSError, ValueError, ConnectionError, struct.error, IndexError) as exc:
        print("bolt check: %s" % exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
