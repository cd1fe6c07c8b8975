"""The payment QR code: its EPC069-12 payload, and the code printed on the letter, read
back by a QR decoder (zxing-cpp's reader) from the page rasterised by pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st

from relance.model import Message
from relance.render.qr import epc_payload, epc_qr_svg, payable

PAYMENT = {
    "name": "Atelier Dupré SARL",
    "iban": "FR7630006000011234567890189",
    "bic": "BNPAFRPPXXX",
    "text": "RF-F4567",
}


def test_the_payload_has_the_guidelines_lines_in_iso_8859_1() -> None:
    payload = epc_payload(amount=Decimal("2500.06"), **PAYMENT)
    assert payload.decode("iso-8859-1").split("\n") == [
        "BCD",
        "002",
        "2",
        "SCT",
        "BNPAFRPPXXX",
        "Atelier Dupré SARL",
        "FR7630006000011234567890189",
        "EUR2500.06",
        "",
        "",
        "RF-F4567",
    ]


def test_without_a_bic_and_with_whole_euros() -> None:
    payload = epc_payload(
        name="Atelier",
        iban="FR76 3000 6000 0112 3456 7890 189",
        bic=None,
        amount=Decimal(40),
        text="F1",
    )
    lines = payload.decode("iso-8859-1").split("\n")
    assert lines[4] == ""
    assert lines[6] == "FR7630006000011234567890189"
    assert lines[7] == "EUR40.00"


def test_a_name_outside_iso_8859_1_takes_utf_8() -> None:
    payload = epc_payload(
        name="Ελληνικά Είδη",
        iban="GR1601101250000000012300695",
        bic=None,
        amount=Decimal("1.5"),
        text="Τιμολόγιο 1",
    )
    lines = payload.decode("utf-8").split("\n")
    assert lines[2] == "1"
    assert lines[5] == "Ελληνικά Είδη"
    assert lines[7] == "EUR1.50"


def test_name_and_text_are_cut_to_the_guidelines_limits() -> None:
    payload = epc_payload(
        name="N" * 90,
        iban="FR7630006000011234567890189",
        bic=None,
        amount=Decimal(1),
        text="T" * 200,
    )
    lines = payload.decode("iso-8859-1").split("\n")
    assert lines[5] == "N" * 70
    assert lines[10] == "T" * 140


def test_a_long_text_is_cut_between_references() -> None:
    references = " ".join(f"FA-2026-{n:05d}" for n in range(1, 20))  # 13 characters each
    payload = epc_payload(
        name="Atelier",
        iban="FR7630006000011234567890189",
        bic=None,
        amount=Decimal(1),
        text=references,
    )
    text = payload.decode("iso-8859-1").split("\n")[10]
    assert text == " ".join(f"FA-2026-{n:05d}" for n in range(1, 11))  # 139 characters


@pytest.mark.parametrize("amount", ["0.01", "40", "999999999.99"])
def test_the_guidelines_bounds_are_payable(amount: str) -> None:
    assert payable(Decimal(amount))


def test_a_long_text_outside_iso_8859_1_is_cut_to_331_bytes() -> None:
    name, text = "Ελληνικά Είδη Μονοπρόσωπη " * 3, "Τιμολόγιο αριθμός " * 8
    payload = epc_payload(
        name=name, iban="GR1601101250000000012300695", bic=None, amount=Decimal(1), text=text
    )
    assert len(payload) <= 331
    lines = payload.decode("utf-8").split("\n")
    assert lines[5] == " ".join(name.split())[:70]
    words, kept = text.split(), lines[10].split()
    assert kept == words[: len(kept)]  # whole words, as many as fit
    assert len(payload) + len((" " + words[len(kept)]).encode()) > 331  # the next one not


@pytest.mark.parametrize("amount", ["0", "0.001", "0.009", "-5", "1000000000"])
def test_an_amount_the_guidelines_do_not_allow_is_refused(amount: str) -> None:
    assert not payable(Decimal(amount))
    with pytest.raises(ValueError, match=r"0\.01 to 999999999\.99"):
        epc_payload(amount=Decimal(amount), **PAYMENT)


QR_CODE = zxingcpp.BarcodeFormat.QRCode


@given(
    name=st.text(min_size=1, max_size=90).filter(str.strip),
    text=st.text(max_size=200),
    cents=st.integers(min_value=1, max_value=99_999_999_999),
)
def test_every_payload_fits_version_13_and_reads_back(name: str, text: str, cents: int) -> None:
    amount = Decimal(cents).scaleb(-2)
    payload = epc_payload(
        name=name, iban="FR7630006000011234567890189", bic=None, amount=amount, text=text
    )
    assert len(payload) <= 331
    lines = payload.split(b"\n")
    assert lines[:4] == [b"BCD", b"002", lines[2], b"SCT"]
    assert lines[7] == f"EUR{amount:.2f}".encode()
    symbol = zxingcpp.create_barcode(payload, QR_CODE, ec_level="M")
    # QR codes only: the reader can also find a short ITF (1D) barcode in a QR pattern.
    (read,) = zxingcpp.read_barcodes(symbol.to_image(scale=2), formats=QR_CODE)
    assert read.bytes == payload
    assert read.ec_level == "M"
    assert int(read.extra["Version"]) <= 13


def test_the_svg_draws_the_payload() -> None:
    svg = epc_qr_svg(amount=Decimal("2500.06"), **PAYMENT)
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "<path" in svg
    assert epc_qr_svg(amount=Decimal("2500.07"), **PAYMENT) != svg


needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed"
)


def codes_on(message: Message, tmp_path: Path) -> list[bytes]:
    """The QR codes found on the letter's pages, rasterised at 150 dpi in grey."""
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(message.attachments[0].content)
    subprocess.run(["pdftoppm", "-gray", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)
    found = []
    for page in sorted(tmp_path.glob("page*.pgm")):
        magic, size, _, pixels = page.read_bytes().split(b"\n", 3)
        assert magic == b"P5"
        width, height = map(int, size.split())
        image = memoryview(pixels).cast("B", (height, width))
        found += [code.bytes for code in zxingcpp.read_barcodes(image, formats=QR_CODE)]
    return found


@needs_pdftoppm
def test_the_printed_code_scans_to_the_transfer_of_the_amount_due(
    sample: Any, tmp_path: Path
) -> None:
    # 2,430.00 due, 30.06 interest and 40.00 indemnity: 2,500.06 asked.
    assert codes_on(sample.registered_letter(), tmp_path) == [
        epc_payload(amount=Decimal("2500.06"), **PAYMENT)
    ]


@needs_pdftoppm
def test_no_code_and_no_bank_details_without_an_iban(sample: Any, tmp_path: Path) -> None:
    message = sample.registered_letter(
        company=sample.company.model_copy(update={"iban": None, "bic": None})
    )
    assert codes_on(message, tmp_path) == []
    assert b"IBAN" not in message.attachments[0].content
