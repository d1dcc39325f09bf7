# SPDX-License-Identifier: MIT
"""What kvd's tests share: servers on free ports, raw protocol clients.

Every server a test starts listens on 127.0.0.1, on a port that was free
when it started, and is stopped (SIGTERM, then SIGKILL) when the test ends,
whatever happened.
"""

import atexit
import os
import re
import shlex
import signal
import socket
import subprocess
import time

TIMEOUT = 20  # seconds any one reply may take, even under sanitizers


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


_running = []
_started = []


@atexit.register
def _kill_all():
    for s in list(_running):
        s.kill()


class Server:
    """kvd or memcached, started on a free port."""

    def __init__(self, argv, name, wrapper=None, port=None, unix=None, preexec=None):
        self.name = name
        self.unix = unix
        for attempt in range(5):
            self.port = port or free_port()
            full = list(argv)
            if unix:
                full += ['-s', unix]
            else:
                full += ['-p', str(self.port)]
            if wrapper:
                full = shlex.split(wrapper) + full
            self.proc = subprocess.Popen(full, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, preexec_fn=preexec)
            _running.append(self)
            _started.append(self)
            self.output = b''
            if self._wait_ready():
                return
            out = self.kill()
            if port or unix or b'Address already in use' not in out:
                raise Failure('%s did not start: %s\n%s' %
                              (name, ' '.join(full), out.decode(errors='replace')))

    def _wait_ready(self):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.connect().close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def address(self):
        return self.unix if self.unix else ('127.0.0.1', self.port)

    def server_arg(self):
        """How libmemcached's tools name this server."""
        return self.unix if self.unix else '127.0.0.1:%d' % self.port

    def connect(self):
        if self.unix:
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(TIMEOUT)
            s.connect(self.unix)
            return s
        return socket.create_connection(('127.0.0.1', self.port), timeout=TIMEOUT)

    def client(self):
        return Client(self.connect())

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; returns (exit status, output). A hang is a failure."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=TIMEOUT * 3)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure('%s did not stop on SIGTERM' % self.name)
        if self in _running:
            _running.remove(self)
        self.output = out
        return self.proc.returncode, out.decode(errors='replace')

    def stop_ok(self):
        rc, out = self.stop()
        expect(rc == 0, '%s exited with status %d:\n%s' % (self.name, rc, out))
        return out

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            out, _ = self.proc.communicate(timeout=10)
        except (subprocess.TimeoutExpired, ValueError):
            out = b''
        if self in _running:
            _running.remove(self)
        self.output += out or b''
        return out or b''


def kvd(path, *args, wrapper=None, unix=None, preexec=None):
    return Server([path] + list(args), 'kvd', wrapper=wrapper, unix=unix, preexec=preexec)


def memcached(*args):
    # -M: no eviction, as kvd; -U 0: no UDP; -u: memcached refuses root.
    argv = ['memcached', '-M', '-U', '0', '-l', '127.0.0.1'] + list(args)
    if os.geteuid() == 0:
        argv += ['-u', 'root']
    return Server(argv, 'memcached')


def failed(e):
    """Report a failed test, with what every server it started printed."""
    _kill_all()
    print('FAILED: %s' % e)
    for s in _started:
        if s.output.strip():
            print('--- %s (exit status %s) printed ---\n%s' % (
                s.name, s.proc.returncode, s.output[-6000:].decode(errors='replace')))
    return 1


class Client:
    """A raw protocol connection."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b''

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        d = self.sock.recv(1 << 20)
        if not d:
            raise Failure('connection closed, having read %r' % self.buf[-200:])
        self.buf += d

    def line(self):
        while b'\r\n' not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def until(self, pattern):
        """Bytes up to and including the first match of pattern at a line
        start (a compiled bytes regex)."""
        while True:
            m = pattern.search(self.buf)
            if m:
                out, self.buf = self.buf[:m.end()], self.buf[m.end():]
                return out
            self._fill()

    def call(self, data):
        """One request whose reply is one line."""
        self.send(data)
        return self.line()

    def get(self, key):
        """The value under key, or None."""
        self.send(b'get ' + key + b'\r\n')
        head = self.line()
        if head == b'END':
            return None
        parts = head.split(b' ')
        expect(parts[0] == b'VALUE' and parts[1] == key, 'bad reply %r' % head)
        n = int(parts[3])
        while len(self.buf) < n + 2:
            self._fill()
        value, self.buf = self.buf[:n], self.buf[n + 2:]
        expect(self.line() == b'END', 'no END after a value')
        return value

    def stats(self):
        self.send(b'stats\r\n')
        out = {}
        while True:
            line = self.line()
            if line == b'END':
                return out
            _, k, v = line.decode().split(' ', 2)
            out[k] = v

    def closed(self, timeout=TIMEOUT):
        """True once the server closes the connection."""
        self.sock.settimeout(timeout)
        try:
            while True:
                d = self.sock.recv(65536)
                if not d:
                    return True
                self.buf += d
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


VERSION_LINE = re.compile(rb'(?:^|\n)VERSION [^\r\n]*\r\n')
