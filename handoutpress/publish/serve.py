"""`publish.py serve`: the catalog and its PDFs over http on this computer only (127.0.0.1).

Read-only: GET and HEAD of files under out/; no directory listings, no dot files (the atomic
writer's temporary files), nothing outside out/ (symlinks included). The path is URL-decoded once
and the file it resolves to is the one opened (no second decoding). Responses say no-cache so a
rebuilt PDF shows at the next click. Each connection has REQUEST_TIMEOUT seconds per request and
at most MAX_CONNECTIONS are served at once (more are closed), so idle sockets cannot pile up.

The one thing it makes is a packet: POST /packet from the catalog's own page (Host, Origin and
Sec-Fetch-Site must all say so) with handout:variant ids from the manifest, built by
handoutpress/publish/packet.py in a child process in a temporary folder, one at a time, time-bounded.
"""
from __future__ import annotations

import html
import http.server
import os
import signal
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
REQUEST_TIMEOUT = 10  # seconds a connection may take to send a request (or stay idle between two)
MAX_CONNECTIONS = 32  # connections (one thread each) served at once; one person's browser needs a few
MAX_FORM_BYTES = 16 * 1024  # a packet request: a few dozen ids
PACKET_WAIT = 30  # seconds a packet request waits for the one before it
PACKET = "/packet"
TYPES = {".pdf": "application/pdf", ".png": "image/png", ".html": "text/html; charset=utf-8",
         ".json": "application/json", ".txt": "text/plain; charset=utf-8", ".ttf": "font/ttf",
         "": "application/octet-stream"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from `directory`, never a listing, never a path that leaves it."""

    extensions_map = TYPES
    timeout = REQUEST_TIMEOUT  # StreamRequestHandler sets it on the socket: an idle client is closed
    root: Path | None = None  # the project packets are drawn with (layouts, fonts, clinic); None: no packets
    packet_lock = threading.Lock()  # one packet at a time

    def do_POST(self):
        if urlsplit(self.path).path != PACKET or self.root is None:
            self.send_error(501, "Unsupported method ('POST')")
            return
        refused = self._not_own()
        if refused:
            self._page(403, "Not the catalog's own request", [refused])
            return
        try:
            length = int(self.headers.get("Content-Length") or "-1")
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_FORM_BYTES:
            self._page(413 if length > MAX_FORM_BYTES else 411, "Packet request too large" if length > 0
                       else "Packet request without a length", [f"send at most {MAX_FORM_BYTES} bytes of form data"])
            return
        self._packet(self.rfile.read(length))

    def _not_own(self) -> str:
        """Why this request is not from the catalog page served here ("" when it is)."""
        port = self.server.server_address[1]
        own = self.headers.get("Host")
        if own not in (f"{HOST}:{port}", f"localhost:{port}"):  # another name for this address: DNS rebinding
            return f"the request names host {own!r}, not {HOST}:{port}"
        if self.headers.get("Origin") != f"http://{own}":
            return "the request does not come from this catalog's page (its Origin is " \
                   f"{self.headers.get('Origin')!r}); use the Make the packet PDF button on http://{own}/"
        if self.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            return "the browser says the request comes from another site"
        return ""

    def _packet(self, body: bytes) -> None:
        from ..errors import PublishError
        from .output import read_manifest
        from .packet import MAX_ITEMS, USAGE, build_in_child, choose

        try:
            form = parse_qs(body.decode("utf-8"), max_num_fields=MAX_ITEMS + 3, strict_parsing=bool(body))
        except (UnicodeDecodeError, ValueError):
            self._page(400, "Packet not made", [f"the form is not readable or names more than {MAX_ITEMS} handouts"])
            return
        specs, drafts, slip = form.get("item", []), form.get("confirm_drafts") == ["yes"], form.get("slip") == ["yes"]
        out_dir = Path(self.directory)
        try:
            choose(read_manifest(out_dir), specs, drafts)  # the request's mistakes, before any work
        except PublishError as exc:
            self._page(400 if all(p.code in USAGE for p in exc.problems) else 500, "Packet not made",
                       [str(p) for p in exc.problems])
            return
        if not self.packet_lock.acquire(timeout=PACKET_WAIT):  # one child at a time; the next one waits its turn
            self._page(503, "Busy", ["another packet is being made; try again in a moment"])
            return
        try:
            data = build_in_child(self.root, out_dir, specs, drafts, slip)
        except PublishError as exc:
            code = 400 if all(p.code in USAGE for p in exc.problems) else 500
            self._page(code, "Packet not made", [str(p) for p in exc.problems])
            return
        except TimeoutError as exc:
            self._page(503, "Packet not made", [str(exc)])
            return
        finally:
            self.packet_lock.release()
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Disposition", 'attachment; filename="handout-packet.pdf"')
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _page(self, code: int, heading: str, lines: list[str]) -> None:
        """A small HTML page saying what went wrong and what to do."""
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(heading)}</title>'
                f'</head><body><main><h1>{html.escape(heading)}</h1><ul>{items}</ul>'
                '<p><a href="/">Back to the catalog</a></p></main></body></html>\n').encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

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


def make_server(out_dir: Path, port: int = DEFAULT_PORT, root: Path | None = None) -> http.server.ThreadingHTTPServer:
    """A server for out_dir on 127.0.0.1:port (0: any free port), not yet serving; root: packets drawn with it."""
    handler = type("ProjectHandler", (Handler,), {"root": root}) if root else Handler
    return Server((HOST, port), partial(handler, directory=os.fspath(out_dir)))


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


def serve(out_dir: Path, port: int = DEFAULT_PORT, root: Path | None = None) -> int:
    """Serve until Ctrl-C; prints the address first. Exit code: 0 stopped, 1 cannot serve."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        print(f"error: {out_dir} does not exist; run `python publish.py build` first", file=sys.stderr)
        return 1
    try:
        server = make_server(out_dir, port, root)
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


# ---------------------------------------------------------------- live preview (`publish.py watch --serve`)

PREVIEW = "/_preview/"
PREVIEW_PIXELS = 640  # width of a page image on the preview page
_REFRESH = """<script>
(function () {  // reload when the watcher has rebuilt: it bumps /_preview/version (no network beyond this computer)
  var seen = %d;
  setInterval(function () {
    fetch("/_preview/version", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (v) { if (v.version !== seen) { location.reload(); } }).catch(function () {});
  }, 200);
})();
</script>"""


class Preview:
    """What the preview page shows: every PDF and web page the watcher wrote, newest build first;
    version goes up after each rebuild (the page polls it and reloads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = 0
        self.entries: dict[str, dict] = {}  # PDF path in out/ -> its manifest entry
        self.status = "building..."
        self.url = ""
        self._images: dict[tuple, bytes] = {}  # (PDF path, its sha256, page) -> PNG

    def update(self, report) -> None:
        import time

        with self.lock:
            if report is None:
                self.status = "the last build failed with an internal error; see the terminal"
            else:
                for entry in report.written:
                    self.entries[entry["path"]] = entry
                problems = [str(p) for p in report.problems]
                self.status = (f"{len(report.written)} written, {len(problems)} error"
                               f"{'s' if len(problems) != 1 else ''} at {time.strftime('%H:%M:%S')}"
                               + "".join(f"\n{p}" for p in problems))
            self.version += 1

    def page_image(self, out_dir: Path, pdf: str, page: int) -> bytes | None:
        """Page `page` (1-based) of a PDF the watcher wrote, as PNG, rendered when first asked for."""
        with self.lock:
            entry = self.entries.get(pdf)
        if entry is None or not 1 <= page <= entry["pages"]:
            return None
        key = (pdf, entry["sha256"], page)
        if key not in self._images:
            import pypdfium2

            from .catalog import png

            doc = pypdfium2.PdfDocument(str(Path(out_dir) / pdf))
            try:
                p = doc[page - 1]
                bitmap = p.render(scale=PREVIEW_PIXELS / p.get_width(), rev_byteorder=True,
                                  fill_color=(255, 255, 255, 255))
                image = png(bitmap.width, bitmap.height, bytes(bitmap.buffer), bitmap.stride)
            finally:
                doc.close()
            with self.lock:
                self._images = {k: v for k, v in self._images.items() if k[0] != pdf}  # older renders of it
                self._images[key] = image
        return self._images.get(key)

    def page(self) -> bytes:
        from html import escape
        from urllib.parse import quote

        with self.lock:
            version, status, entries = self.version, self.status, list(self.entries.values())
        parts = []
        for e in sorted(entries, key=lambda e: e["path"]):
            pdf = quote(e["path"])
            web = e.get("web_page") or {}
            links = [f'<a href="/{pdf}">PDF ({e["pages"]} pages)</a>']
            if web.get("path"):
                links.append(f'<a href="/{quote(web["path"])}">web page</a>')
            images = "".join(f'<img src="{PREVIEW}page/{n}/{pdf}?v={version}" alt="Page {n} of {e["pages"]}" '
                             f'width="{PREVIEW_PIXELS // 2}">' for n in range(1, e["pages"] + 1))
            frame = (f'<iframe src="/{quote(web["path"])}?v={version}" title="Web page of {escape(e["title"])} ({escape(e["variant"])})">'
                     "</iframe>" if web.get("path") else "")
            parts.append(f'<section><h2>{escape(e["title"])} <small>({escape(e["variant"])}, '
                         f'{escape(e["language"])})</small></h2><p>{" · ".join(links)}</p>'
                         f'<div class="pages">{images}</div>{frame}</section>')
        body = "".join(parts) or "<p>Nothing written yet.</p>"
        return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>Preview - handoutpress watch</title><style>"
                "body{font-family:system-ui,sans-serif;margin:1rem;background:#eee;color:#111}"
                ".pages{display:flex;flex-wrap:wrap;gap:8px}.pages img{background:#fff;box-shadow:0 1px 4px #888;"
                "height:auto}iframe{width:100%;height:40rem;border:1px solid #888;background:#fff;margin-top:8px}"
                "#status{white-space:pre-wrap}</style></head><body><main><h1>Preview</h1>"
                f"<p id=\"status\" role=\"status\" data-version=\"{version}\">{escape(status)}</p>"
                f"{body}</main>{_REFRESH % version}</body></html>\n").encode("utf-8")


class PreviewHandler(Handler):
    """out/ as `serve` gives it, plus the preview page, its version and its page images."""

    def __init__(self, *args, preview: Preview, **kwargs):
        self.preview = preview
        super().__init__(*args, **kwargs)

    def send_head(self):
        import io
        import json

        path = unquote(urlsplit(self.path).path)
        if not path.startswith(PREVIEW) and path != PREVIEW.rstrip("/"):
            return super().send_head()
        rest = path[len(PREVIEW):]
        if rest in ("", "index.html"):
            data, kind = self.preview.page(), TYPES[".html"]
        elif rest == "version":
            data, kind = json.dumps({"version": self.preview.version}).encode(), TYPES[".json"]
        elif rest.startswith("page/") and rest.count("/") >= 2 and rest.split("/")[1].isdigit():
            _, number, pdf = rest.split("/", 2)
            data, kind = self.preview.page_image(self.directory, pdf, int(number)), TYPES[".png"]
        else:
            data = None
        if data is None:
            self.send_error(404, "Not found")
            return None
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def log_message(self, format, *args):  # the watcher's terminal is for builds, not for requests
        pass


def start_preview(out_dir: Path, port: int = 0) -> tuple[Server, Preview]:
    """The preview server for out_dir on 127.0.0.1:port, serving in a background thread."""
    preview = Preview()
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    server = Server((HOST, port), partial(PreviewHandler, directory=os.fspath(out_dir), preview=preview))
    preview.url = url_of(server) + PREVIEW.lstrip("/")
    threading.Thread(target=server.serve_forever, name="preview", daemon=True).start()
    return server, preview
