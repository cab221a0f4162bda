"""The handout's QR code: the publisher's fast mask search picks what ReportLab's own QR code does."""
from __future__ import annotations

import subprocess
import sys

import pytest

URLS = ["https://maplemountain.example.org/handouts/benzodiazepines/patient.html",
        "https://example.org/a", "HTTPS://EXAMPLE.ORG/" + "x" * 120, "https://ex.org/ü/é?q=1&r=2#frag",
        "https://maplemountain.example.org/handouts/" + "taper-worksheet-" * 8 + "/clinician.html"]


@pytest.mark.parametrize("url", URLS)
def test_the_matrix_is_reportlabs(url):
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    from handoutpress.render.pdf.flowables import qr_modules

    qr = QRCode(None, QRErrorCorrectLevel.M)  # what QrCodeWidget(url, barLevel="M") draws
    qr.addData(url)
    qr.make()
    assert qr_modules(url) == tuple(tuple(bool(m) for m in row) for row in qr.modules)


def test_the_encoder_is_loaded_without_the_barcode_package():
    """ReportLab's barcode package imports every symbology (9 ms of a cold build): not needed for a QR code."""
    code = ("import sys; from handoutpress.render.pdf.flowables import qr_modules; "
            f"m = qr_modules({URLS[0]!r}); print(len(m), 'reportlab.graphics.barcode' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[1] == "False" and int(out[0]) >= 21  # a code of version 1 or more
