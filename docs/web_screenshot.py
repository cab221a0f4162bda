"""Refresh docs/web-page-phone.png: build the patient variant into a temporary folder and take a
390 px wide screenshot of its web page, opened from disk, in Debian's headless Chromium
(/usr/bin/chromium) with Playwright; also the print preview as a PDF (docs are not kept of it).

    .venv/bin/python docs/web_screenshot.py

Nothing is downloaded: Playwright drives the system browser (`playwright install` is never run).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--disable-gpu"]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from handoutpress.publish.build import build

    with tempfile.TemporaryDirectory(prefix="handoutpress-screenshot-") as tmp:
        report = build(ROOT, ["benzodiazepines"], ["patient"], out_dir=Path(tmp))
        if report.problems:
            print("\n".join(map(str, report.problems)), file=sys.stderr)
            return 1
        page_file = Path(tmp) / report.written[0]["web_page"]["path"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
            page.goto(page_file.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            page.screenshot(path=str(ROOT / "docs" / "web-page-phone.png"))
            browser.close()
    print(ROOT / "docs" / "web-page-phone.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
