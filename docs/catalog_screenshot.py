"""Refresh docs/catalog.png: build every handout into a temporary folder, serve it, and take a
1280x1000 screenshot of the catalog, two handouts added to the packet, in Debian's headless Chromium (/usr/bin/chromium) with Playwright.

    .venv/bin/python docs/catalog_screenshot.py

Nothing is downloaded: Playwright drives the system browser (`playwright install` is never run).
"""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--disable-gpu"]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from handoutpress.publish.build import build
    from handoutpress.publish.serve import make_server, url_of

    with tempfile.TemporaryDirectory(prefix="handoutpress-screenshot-") as tmp:
        report = build(ROOT, out_dir=Path(tmp))
        if report.problems:
            print("\n".join(map(str, report.problems)), file=sys.stderr)
            return 1
        server = make_server(Path(tmp), 0, ROOT)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(url_of(server), wait_until="load")
                for item in ("benzodiazepines:patient", "benzodiazepines:large-print"):
                    page.locator(f"tr[data-item='{item}'] button.add").click()
                page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
                target = ROOT / "docs" / "catalog.png"
                page.screenshot(path=str(target))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
