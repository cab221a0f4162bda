"""`publish.py serve`: the catalog and its PDFs over http on this computer only (127.0.0.1).

Read-only: GET and HEAD of files under out/; no directory listings, no dot files (the atomic
writer's temporary files), nothing outside out/ (symlinks included). The path is URL-decoded once
and the file it resolves to is the one opened (no second decoding). Responses say no-cache so a
rebuilt PDF shows at the next click. Each connection has REQUEST_TIMEOUT seconds per request and
at most MAX_CONNECTIONS are served at once (more are closed), so idle sockets cannot pile up.
"""
from __future__ import annotations

import http.server
import os
import signal
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
REQUEST_TIMEOUT = 10  # seconds a connection may take to send a request (or stay idle between two)
MAX_CONNECTIONS = 32  # connections (one thread each) served at once; one person's browser needs a few
TYPES = {".pdf": "application/pdf", ".png": "image/png", ".html": "text/html; charset=utf-8",
         ".json": "application/json", ".txt": "text/plain; charset=utf-8", ".ttf": "font/ttf",
         "": "application/octet-stream"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from `directory`, never a listing, never a path that leaves it."""

    extensions_map = TYPES
    timeout = REQUEST_TIMEOUT  # StreamRequestHandler sets it on the socket: an idle client is closed

    def version_string(self) -> str:
        return "handoutpress"

    def send_head(self):
        path = self._resolve(self.path)
        if path is None:
            self.send_error(404, "Not found")
            return None
        self._file = path
        return super().send_head()

    def translate_path(self, path):
        # The file _resolve chose: decoding the path a second time (evil%2573 -> evils) could name another.
        return os.fspath(getattr(self, "_file", Path(self.directory) / ".none"))

    def _root(self) -> Path:
        return Path(self.directory).resolve()

    def _resolve(self, raw: str) -> Path | None:
        """The file a request names, or None: directories give their index.html, if any."""
        root = self._root()
        parts = [p for p in unquote(urlsplit(raw).path).split("/") if p]
        if any(p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
            return None
        path = root.joinpath(*parts)
        if path.is_dir():
            path = path / "index.html"
        try:
            path = path.resolve(strict=True)
            inside = path.relative_to(root).parts
        except (OSError, ValueError, RuntimeError):
            return None  # missing, a link loop, or a link that leaves out/
        if any(p.startswith(".") for p in inside):  # a link inside out/ to a dot file is still a dot file
            return None
        return path if path.is_file() else None

    def list_directory(self, path):  # never reached (send_head maps directories to index.html); kept shut
        self.send_error(404, "Not found")
        return None

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format, *args):
        sys.stderr.write(f"{self.log_date_time_string()}  {format % args}\n")


class Server(http.server.ThreadingHTTPServer):
    """One thread per connection, at most MAX_CONNECTIONS at once: the next one is closed straight away."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, *args, **kwargs):
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)  # full: refusing costs no thread
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def make_server(out_dir: Path, port: int = DEFAULT_PORT) -> http.server.ThreadingHTTPServer:
    """A server for out_dir on 127.0.0.1:port (0: any free port), not yet serving."""
    return Server((HOST, port), partial(Handler, directory=os.fspath(out_dir)))


def url_of(server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def _stop_on_signals() -> dict:
    """Ctrl-C (and a plain kill) stop the server cleanly, even when started with SIGINT ignored (`cmd &`).

    Returns the handlers it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def stop(signum, frame):
        raise KeyboardInterrupt

    return {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}


def serve(out_dir: Path, port: int = DEFAULT_PORT) -> int:
    """Serve until Ctrl-C; prints the address first. Exit code: 0 stopped, 1 cannot serve."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        print(f"error: {out_dir} does not exist; run `python publish.py build` first", file=sys.stderr)
        return 1
    try:
        server = make_server(out_dir, port)
    except OSError as exc:
        print(f"error: cannot listen on {HOST}:{port}: {exc.strerror or exc}; choose another port with --port",
              file=sys.stderr)
        return 1
    if not (out_dir / "index.html").is_file():
        print(f"warning: {out_dir} has no index.html yet; run `python publish.py build`", file=sys.stderr)
    previous = _stop_on_signals()
    try:
        print(f"Serving {out_dir} at {url_of(server)} (this computer only; Ctrl-C to stop)", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
