"""The corpus of real-world-shaped exports: the exact records read, or the exact problems."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from relance import Address, CustomerKind, DocumentKind, InputError, Invoice


def summary(invoice: Invoice) -> tuple[object, ...]:
    return (
        invoice.id,
        invoice.kind.value,
        invoice.total,
        invoice.residual,
        invoice.issue_date,
        invoice.due_date,
        invoice.customer.id,
    )


def test_sage_export_in_windows_1252_with_a_credit_note_and_a_totals_line(read_csv) -> None:
    read = read_csv("sage_cp1252.csv")
    assert [summary(i) for i in read.invoices] == [
        (
            "FA-2025-0101",
            "invoice",
            D("2430.50"),
            D("2430.50"),
            date(2025, 5, 5),
            date(2025, 6, 5),
            "C001",
        ),
        (
            "FA-2025-0102",
            "invoice",
            D("1200.00"),
            D("450.00"),
            date(2025, 5, 10),
            date(2025, 6, 10),
            "C002",
        ),
        ("AV-2025-0007", "credit_note", D("120.00"), D("120.00"), date(2025, 5, 12), None, "C001"),
    ]
    assert read.invoices[0].customer.name == "Boulangerie Égée"
    assert read.invoices[0].customer is read.invoices[2].customer  # one object per customer
    assert read.invoices[1].status == "partial"
    assert (read.report.rows, read.report.paid, read.report.problem_count) == (4, 1, 0)
    assert read.report.files == ["sage_cp1252.csv: cp1252, separator ';', header on line 1"]


def test_pennylane_export_in_utf8_with_bom_and_commas(read_csv) -> None:
    read = read_csv("pennylane_utf8_bom.csv")
    assert [summary(i) for i in read.invoices] == [
        (
            "F-0042",
            "invoice",
            D("1234.50"),
            D("1234.50"),
            date(2025, 5, 2),
            date(2025, 6, 5),
            "Studio Ørsted",
        ),
        (
            "F-0043",
            "invoice",
            D("99.90"),
            D("49.95"),
            date(2025, 5, 3),
            date(2025, 6, 6),
            "Atelier Noé",
        ),
    ]
    assert read.invoices[0].customer.billing_contact is not None
    assert read.invoices[0].customer.billing_contact.emails == ("compta@orsted.fr",)
    assert read.report.files == [
        "pennylane_utf8_bom.csv: utf-8-sig, separator ',', header on line 1"
    ]


def test_english_export_with_month_first_dates(read_csv) -> None:
    read = read_csv("quickbooks_en.csv", day_first=False)
    assert [summary(i) for i in read.invoices] == [
        (
            "1001",
            "invoice",
            D("1234.50"),
            D("1234.50"),
            date(2025, 5, 2),
            date(2025, 6, 5),
            "Acme Ltd",
        ),
        (
            "1002",
            "invoice",
            D("250.00"),
            D("250.00"),
            date(2025, 5, 3),
            date(2025, 6, 30),
            "Acme Ltd",
        ),
    ]


def test_month_first_dates_read_day_first_are_reported(read_csv) -> None:
    read = read_csv("quickbooks_en.csv")
    assert read.problems == [
        ("quickbooks_en.csv, line 3, column 'Due Date'", "not a valid date: '06/30/2025'")
    ]


def test_utf16_tab_separated_export_with_dotted_dates(read_csv) -> None:
    read = read_csv("ebp_utf16_tab.csv")
    assert [summary(i) for i in read.invoices] == [
        (
            "F250601",
            "invoice",
            D("2430.50"),
            D("2430.50"),
            None,
            date(2025, 6, 5),
            "Garage Lefèvre",
        ),
        (
            "F250602",
            "invoice",
            D("12000.00"),
            D("11999.99"),
            None,
            date(2025, 6, 20),
            "Garage Lefèvre",
        ),
    ]
    assert read.report.files == ["ebp_utf16_tab.csv: utf-16, separator '\\t', header on line 1"]


def test_narrow_no_break_spaces_euro_signs_and_parentheses(read_csv) -> None:
    read = read_csv("excel_nnbsp.csv")
    assert [summary(i) for i in read.invoices] == [
        ("E-1", "invoice", D("1234.5"), D("1234.5"), None, date(2025, 6, 5), "Librairie Ânes"),
        ("E-2", "credit_note", D("120.00"), D("120.00"), None, date(2025, 6, 6), "Librairie Ânes"),
        ("E-4", "invoice", D("2430.50"), D("2000.50"), None, date(2025, 6, 8), "Librairie Ânes"),
    ]
    assert read.report.paid == 1  # E-3: residual -0,00


def test_amounts_keep_every_digit(read_csv, tmp_path: Path) -> None:
    """Money is exact: amounts of more than 28 digits are not rounded, credits included;
    one beyond any invoice's (a broken cell) is refused, naming its line, not rounded."""
    long = "999999999999999,12345678901234567890123"
    invoices = tmp_path / "factures.csv"
    invoices.write_text(
        "N° facture;Client;Échéance;Montant TTC;Reste à payer\n"
        f"G-1;Alpha;05/06/2025;{long};1,5\n"
        f"G-2;Alpha;05/06/2025;-{long};-{long}\n"
        "G-3;Alpha;05/06/2025;123456789012345678901234567890,12;1,5\n",
        encoding="utf-8",
    )
    exact = D(long.replace(",", "."))
    read = read_csv(invoices)
    assert [(i.kind, i.total, i.residual) for i in read.invoices] == [
        (DocumentKind.INVOICE, exact, D("1.5")),
        (DocumentKind.CREDIT_NOTE, exact, exact),
    ]
    (problem,) = read.problems
    assert "line 4" in str(problem)
    assert "total: 123456789012345678901234567890.12 is beyond any invoice's amount" in str(problem)


def test_quoted_separators_newlines_and_quotes_keep_line_numbers(read_csv) -> None:
    read = read_csv("multiline_quoted.csv")
    first, second = read.invoices
    assert first.customer.name == "Dupont; Fils & Cie"
    assert first.customer.address == Address(
        lines=("12 rue des Lilas", "Bâtiment B"), postal_code="69003", city="Lyon"
    )
    assert second.customer.name == 'Le "Petit" Bistro'
    # Q-1 spans lines 2-3, so Q-3 (after Q-2 on line 4) starts on line 5.
    assert read.problems == [
        ("multiline_quoted.csv, line 5, column 'Échéance'", "not a valid date: '31/06/2025'")
    ]


def test_excel_serial_dates_and_short_years(read_csv) -> None:
    read = read_csv("excel_serial_dates.csv")
    assert [summary(i) for i in read.invoices] == [
        ("S-1", "invoice", D("100"), D("100"), date(2025, 5, 6), date(2025, 6, 5), "Bravo SA"),
        ("S-2", "invoice", D("200"), D("150"), date(2025, 5, 5), date(2025, 6, 5), "Bravo SA"),
        ("S-3", "invoice", D("300"), D("300"), date(2025, 5, 5), date(2025, 6, 5), "Bravo SA"),
    ]


def test_title_lines_blank_lines_and_a_total_are_not_rows(read_csv) -> None:
    read = read_csv("preamble_title.csv")
    assert [i.id for i in read.invoices] == ["P-1", "P-2"]
    assert (read.report.rows, read.report.problem_count) == (2, 0)
    assert read.report.files == ["preamble_title.csv: cp1252, separator ';', header on line 3"]


def test_a_type_column_says_invoice_credit_note_or_payment(read_csv) -> None:
    read = read_csv("type_column.csv")
    assert [(i.id, i.kind.value, i.residual) for i in read.invoices] == [
        ("T-1", "invoice", D("500.00")),
        ("T-2", "credit_note", D("80.00")),
        ("T-3", "payment", D("200.00")),
        ("T-4", "credit_note", D("40.00")),  # a negative "Facture" is a credit
    ]
    assert [i.signed_residual for i in read.invoices] == [D(500), D(-80), D(-200), D(-40)]


def test_customer_details_disputes_and_promises(read_csv) -> None:
    read = read_csv("customer_details.csv")
    d1, d2, d3, d4 = read.invoices
    assert d1.customer is d4.customer
    hotel = d1.customer
    assert (hotel.id, hotel.name, hotel.kind, hotel.language, hotel.country) == (
        "K1", "Hôtel Beaumont", CustomerKind.BUSINESS, "fr", "FR",
    )  # fmt: skip
    assert hotel.tags == frozenset({"hôtel", "vip"})
    assert hotel.segment == "grands comptes"
    assert hotel.contacts[0].emails == ("compta@beaumont.fr", "direction@beaumont.fr")
    assert hotel.contacts[0].phone == "04 78 00 00 01"
    assert (d1.disputed, d1.dispute_reason, d1.dispute_until) == (
        True, "Prestation contestée", date(2025, 6, 30),
    )  # fmt: skip
    jane = d2.customer
    assert (jane.kind, jane.language, jane.country) == (CustomerKind.CONSUMER, "en", "GB")
    assert (d2.disputed, d2.promise_date) == (False, date(2025, 6, 20))
    # A reason without a flag means disputed.
    assert (d3.disputed, d3.dispute_reason, d3.customer.country) == (
        True, "Lieferung unvollständig", "DE",
    )  # fmt: skip
    assert (d4.disputed, d4.promise_date) == (False, None)


def test_headers_nobody_guesses_are_named_in_the_settings(read_csv) -> None:
    columns = {
        "number": "Ref doc", "customer_name": "Débiteur", "due_date": "Payable le",
        "total": "Brut", "residual": "Encours",
    }  # fmt: skip
    read = read_csv("custom_headers.csv", columns=columns)
    assert [summary(i) for i in read.invoices] == [
        ("X-1", "invoice", D("100.00"), D("100.00"), None, date(2025, 6, 5), "Cabinet Roux")
    ]


def test_without_the_mapping_the_header_is_not_recognised(read_csv) -> None:
    with pytest.raises(InputError) as caught:
        read_csv("custom_headers.csv")
    assert caught.value.summary == "custom_headers.csv: no header row recognised."
    assert [str(p) for p in caught.value.problems] == [
        "custom_headers.csv, line 1: no column recognised for number, due_date, total / residual, customer_id / customer_name",
        "custom_headers.csv: the header read is 'Ref doc', 'Débiteur', 'Payable le', 'Brut', 'Encours' (separator ';')",
        "custom_headers.csv: name the headers in the columns setting if they differ",
    ]


def test_a_mapped_header_missing_from_the_file_is_named(read_csv) -> None:
    with pytest.raises(InputError) as caught:
        read_csv("sage_cp1252.csv", columns={"number": "Référence"})
    assert (
        str(caught.value.problems[0])
        == "sources.csv.columns.number: no column 'Référence' in the header"
    )


def test_a_separate_customers_file_joined_on_the_customer_code(read_csv, data: Path) -> None:
    read = read_csv("joined/factures.csv", customers_path=data / "joined" / "clients.csv")
    assert [summary(i) for i in read.invoices] == [
        ("J-1", "invoice", D("100.00"), D("100.00"), None, date(2025, 6, 5), "CL01"),
        ("J-2", "invoice", D("200.00"), D("200.00"), None, date(2025, 6, 5), "CL02"),
        ("J-3", "invoice", D("300.00"), D("300.00"), None, date(2025, 7, 5), "CL01"),
    ]
    gaspard, wood = read.invoices[0].customer, read.invoices[1].customer
    assert read.invoices[2].customer is gaspard
    assert gaspard.address == Address(
        lines=("8 quai Perrache",), postal_code="69002", city="Lyon", country="FR"
    )
    assert (wood.name, wood.language, wood.country, wood.contacts) == (
        "Wood & Sons Ltd", "en", "GB", (),
    )  # fmt: skip
    assert read.report.customers == 2


def test_an_invoice_of_an_unknown_customer_is_a_problem(read_csv, data: Path) -> None:
    read = read_csv(
        "joined/factures_unknown_client.csv", customers_path=data / "joined" / "clients.csv"
    )
    assert [i.id for i in read.invoices] == ["J-1"]
    assert read.problems == [
        (
            "factures_unknown_client.csv, line 3, column 'Code client'",
            "customer 'CL99' is not in clients.csv",
        )
    ]


def test_every_bad_row_is_reported_with_file_line_column_and_value(read_csv) -> None:
    read = read_csv("bad_rows.csv")
    assert [i.id for i in read.invoices] == ["B-1", "B-7"]
    assert read.problems == [
        ("bad_rows.csv, line 3, column 'Montant TTC'", "not an amount: 'douze'"),
        ("bad_rows.csv, line 4, column 'Échéance'", "not a valid date: '31/02/2025'"),
        ("bad_rows.csv, line 5, column 'N° facture'", "missing"),
        (
            "bad_rows.csv, line 6, column 'Reste à payer'",
            "the residual 150.00 exceeds the total 100.00",
        ),
        (
            "bad_rows.csv, line 7, column 'N° facture'",
            "invoice 'B-1' is already on line 2 with different data",
        ),
        (
            "bad_rows.csv, line 9, column 'Email'",
            "contact: emails.0: value is not a valid email address: An email address must have an @-sign.: 'beta-at-example.fr'",
        ),
        ("bad_rows.csv, line 10, column 'Échéance'", "missing"),
    ]
    assert read.report.warnings == ["bad_rows.csv, line 8: repeats line 2; ignored"]
    assert (read.report.rows, read.report.skipped) == (10, 7)


def test_an_unknown_country_code_is_a_problem_of_its_row(read_csv, tmp_path: Path) -> None:
    invoices = tmp_path / "factures.csv"
    invoices.write_text(
        "N° facture;Client;Adresse;Code postal;Ville;Pays;Échéance;Montant TTC\n"
        "P-1;Alpha;1 rue Haute;69001;Lyon;AA;05/06/2025;100,00\n"
        "P-2;Beta;2 rue Basse;69002;Lyon;FR;05/06/2025;100,00\n",
        encoding="utf-8",
    )
    read = read_csv(invoices)
    assert [i.id for i in read.invoices] == ["P-2"]
    assert read.problems == [
        (
            "factures.csv, line 2, column 'Pays'",
            "not a country (expected a code such as FR or a name): 'AA'",
        )
    ]


def test_an_unknown_country_code_in_the_customers_file_is_a_problem_of_its_line(
    read_csv, data: Path, tmp_path: Path
) -> None:
    customers = tmp_path / "clients.csv"
    customers.write_text(
        "Code client;Raison sociale;Adresse;Ville;Pays\n"
        "CL01;Imprimerie Gaspard;8 quai Perrache;Lyon;XX\n"
        "CL02;Wood & Sons Ltd;1 High Street;London;GB\n",
        encoding="utf-8",
    )
    read = read_csv(data / "joined" / "factures.csv", customers_path=customers)
    assert [i.id for i in read.invoices] == ["J-2"]
    assert read.problems[0] == (
        "clients.csv, line 2, column 'Pays'",
        "not a country (expected a code such as FR or a name): 'XX'",
    )


def test_a_utf8_file_with_one_windows_1252_accent_far_down_is_read_as_windows_1252(
    read_csv,
) -> None:
    read = read_csv("late_accent_cp1252.csv")
    assert len(read.invoices) == 3001
    assert read.invoices[-1].customer.name == "Société Générale des Eaux"


def test_latin1_file(read_csv) -> None:
    assert read_csv("latin1.csv").invoices[0].customer.name == "Crèmerie Ôde"


def test_header_only_is_a_warning_not_an_error(read_csv) -> None:
    read = read_csv("header_only.csv")
    assert read.invoices == []
    assert read.report.warnings == ["header_only.csv has a header but no rows"]


@pytest.mark.parametrize(
    ("name", "settings", "expected"),
    [
        ("empty.csv", {}, "the file is empty"),
        ("missing.csv", {}, "no such file (check sources.csv.path)"),
        (
            "workbook.csv",
            {},
            "this is an Excel workbook or a ZIP archive (.xlsx, .ods, .zip), not a CSV file: export it as CSV",
        ),
        (
            "binary.csv",
            {},
            'this is not a text file (it contains NUL bytes); if it is UTF-16 without a byte order mark, set encoding = "utf-16-le"',
        ),
        (
            "sage_cp1252.csv",
            {"encoding": "utf-8"},
            "line 1: not utf-8 text; set the encoding setting (e.g. cp1252)",
        ),
    ],
)
def test_unreadable_files_are_explained(
    read_csv, data: Path, name: str, settings: dict[str, str], expected: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_csv(name, **settings)
    assert caught.value.summary == f"{name} cannot be read."
    assert [str(p) for p in caught.value.problems] == [f"{data / name}: {expected}"]


def test_a_wrong_separator_is_pointed_out(read_csv) -> None:
    with pytest.raises(InputError) as caught:
        read_csv("sage_cp1252.csv", delimiter=",")
    assert (
        "sage_cp1252.csv: the file seems to be separated by ';': check the delimiter setting"
        in [str(p) for p in caught.value.problems]
    )


def test_a_folder_is_not_a_file(read_csv, data: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_csv(data / "joined")
    assert [str(p) for p in caught.value.problems] == [
        f"{data / 'joined'}: this is a folder, not a file"
    ]


def test_a_utf8_file_read_with_a_one_byte_encoding_set_is_refused(read_csv, tmp_path: Path) -> None:
    """Read as Windows-1252, UTF-8 never fails: every accented name would be garbled in
    every letter. A file whose first bytes decode as UTF-8 with accents is UTF-8."""
    export = tmp_path / "factures.csv"
    export.write_text(
        "Facture;Client;Échéance;Montant\nF1;Café Élysée;05/06/2025;100,00\n", encoding="utf-8"
    )

    with pytest.raises(InputError) as caught:
        read_csv(export, encoding="cp1252")

    (problem,) = caught.value.problems
    assert problem.message == (
        "this is UTF-8 text but the encoding setting says cp1252: 'Échéance' would read "
        "'Ã‰chÃ©ance'; remove the setting (relance detects the encoding) or set \"utf-8\""
    )
    assert read_csv(export).invoices[0].customer.name == "Café Élysée"
    assert read_csv("sage_cp1252.csv", encoding="cp1252").invoices  # the right setting


def test_a_one_byte_file_read_with_its_encoding_set_is_read(read_csv, data: Path) -> None:
    ascii_only = read_csv("quickbooks_en.csv", encoding="cp1252")
    assert ascii_only.invoices
