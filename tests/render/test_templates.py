"""Every template x language x level against golden files, and how templates fail.

Golden files live in tests/render/golden/; after a deliberate wording change, rewrite
them with ``RELANCE_UPDATE_GOLDEN=1 pytest tests/render`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from relance.model import ChannelKind, Message
from relance.render import RenderError, TemplateEnvironment, compose
from relance.render.formatting import format_day, format_money

GOLDEN = Path(__file__).parent / "golden"
LEVELS = ("courtesy", "first", "second", "final", "formal_notice")
GERMAN_LEVELS = LEVELS
CASES = [(lang, level) for lang in ("fr", "en") for level in LEVELS] + [
    ("de", level) for level in GERMAN_LEVELS
]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RELANCE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with RELANCE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def messages(
    sample: Any,
    templates: TemplateEnvironment,
    level: str,
    language: str,
    dollars: frozenset[str] = frozenset(),
) -> tuple[Message, Message]:
    """The email and the letter of the sample's reminder of ``level`` in ``language``,
    the invoices numbered in ``dollars`` in USD."""
    reminder, history = sample.planned(level, language, dollars)
    kinds = (
        ChannelKind.EMAIL,
        ChannelKind.REGISTERED_LETTER if level == "formal_notice" else ChannelKind.LETTER,
    )
    email, letter = (
        compose(
            reminder,
            kind,
            company=sample.company,
            today=sample.today,
            templates=templates,
            history=history,
        )
        for kind in kinds
    )
    return email, letter


@pytest.mark.parametrize(("language", "level"), CASES)
def test_every_level_renders_like_its_golden_file(
    sample: Any, language: str, level: str, templates: TemplateEnvironment
) -> None:
    email, letter = messages(sample, templates, level, language)
    assert email.language == language
    assert email.html is not None
    check_golden(f"{language}/{level}.subject.txt", email.subject + "\n")
    check_golden(f"{language}/{level}.email.txt", email.text)
    check_golden(f"{language}/{level}.email.html", email.html)
    check_golden(f"{language}/{level}.letter.txt", letter.text)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_invoice_in_dollars_shows_its_interest_in_dollars_and_its_indemnity_in_euros(
    sample: Any, language: str, templates: TemplateEnvironment
) -> None:
    """An exporter's final reminder: the dollar invoice's amounts and interest in dollars,
    its EUR 40 in euros, and the totals per currency (the EUR 40 in the euro total)."""
    email, letter = messages(sample, templates, "final", language, frozenset({"F4567"}))
    assert email.html is not None
    check_golden(f"{language}/final-in-dollars.email.txt", email.text)
    check_golden(f"{language}/final-in-dollars.email.html", email.html)
    check_golden(f"{language}/final-in-dollars.letter.txt", letter.text)


def test_the_euro_indemnity_of_a_customer_owing_only_dollars_is_in_the_grand_totals(
    sample: Any, templates: TemplateEnvironment
) -> None:
    reminder, _history = sample.planned("formal_notice", "fr", frozenset({"F4567"}))
    assert reminder.totals == {"USD": Decimal("2430.00")}
    text = messages(sample, templates, "formal_notice", "fr", frozenset({"F4567"}))[0].text
    assert "Total restant dû\xa0: 2\u202f430,00\xa0$US\n" in text
    assert "Pénalités de retard et indemnités\xa0: 40,00\xa0€\n" in text
    assert "Total à régler, pénalités comprises\xa0: 40,00\xa0€\n" in text
    assert "Total à régler, pénalités comprises\xa0: 2\u202f460,06\xa0$US\n" in text


@pytest.mark.parametrize(("language", "level"), CASES)
def test_every_message_carries_the_minimum_mentions(
    sample: Any, language: str, level: str, templates: TemplateEnvironment
) -> None:
    reminder, history = sample.planned(level, language)
    for kind in (ChannelKind.EMAIL, ChannelKind.LETTER):
        message = compose(
            reminder,
            kind,
            company=sample.company,
            today=sample.today,
            templates=templates,
            history=history,
        )
        bodies = [message.text] + ([message.html] if message.html else [])
        for body in bodies:
            for item in reminder.items:
                invoice = item.invoice
                assert invoice.number in body
                assert format_money(invoice.residual, "EUR", language) in body
                if invoice.is_credit:
                    continue
                assert format_day(invoice.due_date, language) in body
                assert format_day(invoice.issue_date, language) in body
                assert format_money(invoice.total, "EUR", language) in body
                if item.days_late > 0:
                    assert str(item.days_late) in body
                assert f"RF-{invoice.number}" in body
            assert "FR76 3000 6000 0112 3456 7890 189" in body
            assert "BNPAFRPPXXX" in body
            assert "compta@atelier-dupre.fr" in body
            assert "+33 4 78 00 00 00" in body
        already_paid = {"fr": "ne pas", "en": "disregard", "de": "gegenstandslos"}[language]
        assert already_paid in message.text


def test_the_seed_example_reads_as_a_french_credit_manager_writes_it(
    sample: Any,
    templates: TemplateEnvironment,
) -> None:
    reminder, _history = sample.planned("first", "fr")
    email = compose(
        reminder, ChannelKind.EMAIL, company=sample.company, today=sample.today, templates=templates
    )
    assert email.subject == "Relance \u2013 facture n°F4567 en attente de règlement"
    assert "2\u202f430,00\xa0€" in email.text
    assert "3 juillet 2025" in email.text
    assert "Sauf erreur de notre part" in email.text


def test_babel_formats_money_and_dates_per_language() -> None:
    assert format_money(Decimal("2430.00"), "EUR", "fr") == "2\u202f430,00\xa0€"
    assert format_money(Decimal("2430.00"), "EUR", "en") == "€2,430.00"
    assert format_day(date(2025, 6, 5), "fr") == "5 juin 2025"
    assert format_day(date(2025, 6, 5), "en") == "5 June 2025"


def test_a_language_without_the_level_falls_back_to_the_company_language(
    sample: Any,
    templates: TemplateEnvironment,
) -> None:
    reminder, _history = sample.planned("first", "it")
    email = compose(
        reminder, ChannelKind.EMAIL, company=sample.company, today=sample.today, templates=templates
    )
    assert email.language == "fr"
    assert email.subject.startswith("Relance")


def test_customers_with_the_informal_tag_are_addressed_with_tu(sample: Any, tmp_path: Path) -> None:
    reminder, _history = sample.planned("first", "fr")
    tagged = reminder.customer.model_copy(update={"tags": frozenset({"tu"})})
    informal = TemplateEnvironment(informal_tag="tu")
    email = compose(
        type(reminder)(**{**reminder.__dict__, "customer": tagged}),
        ChannelKind.EMAIL,
        company=sample.company,
        today=sample.today,
        templates=informal,
    )
    assert "Peux-tu me confirmer" in email.text
    assert "vous" not in email.text.lower().replace("nous", "")
    plain = compose(
        reminder, ChannelKind.EMAIL, company=sample.company, today=sample.today, templates=informal
    )
    assert "Peux-tu" not in plain.text


def test_html_escapes_what_comes_from_the_data(sample: Any, templates: TemplateEnvironment) -> None:
    reminder, _history = sample.planned("first", "en")
    hostile = reminder.customer.model_copy(
        update={
            "contacts": (reminder.customer.contacts[0].model_copy(update={"name": "<b>Eve</b>"}),)
        }
    )
    message = compose(
        type(reminder)(**{**reminder.__dict__, "customer": hostile}),
        ChannelKind.EMAIL,
        company=sample.company,
        today=sample.today,
        templates=templates,
    )
    assert message.html is not None
    assert "<b>Eve</b>" not in message.html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in message.html
    assert "Dear <b>Eve</b>," in message.text


def test_a_user_template_overrides_the_builtin_one(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "first.j2").write_text(
        "{% block subject %}Unpaid: {{ invoice_numbers | join(', ') }}{% endblock %}\n"
        "{% block opening %}Our own words.{% endblock %}\n",
        encoding="utf-8",
    )
    reminder, _history = sample.planned("first", "en")
    templates = TemplateEnvironment(user=tmp_path)
    email = compose(
        reminder, ChannelKind.EMAIL, company=sample.company, today=sample.today, templates=templates
    )
    assert email.subject == "Unpaid: F4567"
    assert "Our own words." in email.text
    assert "Kind regards," in email.text  # the shared blocks still come from relance
    origins = {t.name: t.origin.value for t in templates.templates()}
    assert origins["en/first.j2"] == "user"
    assert origins["en/second.j2"] == "builtin"


def test_a_penalty_row_s_total_across_two_currencies_is_a_named_template_error(
    sample: Any, tmp_path: Path
) -> None:
    """``row.total`` is none when the indemnity is in another currency than the invoice:
    formatting it as money is the template's error, named with its line, not a crash;
    ``row.totals`` gives the amounts per currency."""
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "final.j2").write_text(
        "{% block subject %}Final{% endblock %}\n"
        "{% block opening %}\n{% for row in penalty_rows %}"
        "{% for c, a in row.totals.items() %}[{{ a | money(c) }}]{% endfor %}"
        "{% endfor %}\n"
        "{% for row in penalty_rows %}{{ row.total | money('USD') }}{% endfor %}\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    templates = TemplateEnvironment(user=tmp_path)
    in_euros, history = sample.planned("final", "en")
    text = compose(
        in_euros, ChannelKind.EMAIL, company=sample.company, today=sample.today,
        templates=templates, history=history,
    ).text  # fmt: skip
    assert "[€70.06][€70.06]" in text
    in_dollars, history = sample.planned("final", "en", frozenset({"F4567"}))
    with pytest.raises(RenderError) as caught:
        compose(
            in_dollars, ChannelKind.EMAIL, company=sample.company, today=sample.today,
            templates=templates, history=history,
        )  # fmt: skip
    path = tmp_path / "en" / "final.j2"
    assert str(caught.value) == f"template {path}, line 4: money needs an amount, not None"


def test_a_missing_variable_names_the_template_the_line_and_the_variable(
    sample: Any,
    tmp_path: Path,
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "first.j2").write_text(
        "{% block subject %}Reminder{% endblock %}\n"
        "{% block opening %}\nYou owe {{ amount_due }}.\n{% endblock %}\n",
        encoding="utf-8",
    )
    reminder, _history = sample.planned("first", "en")
    with pytest.raises(RenderError) as caught:
        compose(
            reminder,
            ChannelKind.EMAIL,
            company=sample.company,
            today=sample.today,
            templates=TemplateEnvironment(user=tmp_path),
        )
    path = tmp_path / "en" / "first.j2"
    assert f"template {path}, line 3: 'amount_due' is undefined" in str(caught.value)


def test_the_line_named_is_the_template_s_own_not_the_compiled_code_s(tmp_path: Path) -> None:
    """Blocks are rendered one by one, without Jinja's rewritten traceback: the line
    once came from the code Jinja compiled (line 23 of a six-line file)."""
    (tmp_path / "fr").mkdir()
    path = tmp_path / "fr" / "second.j2"
    path.write_text("{% block opening %}\n\n\n\nHello {{ montant }}\n{% endblock %}\n")

    with pytest.raises(RenderError) as caught:
        TemplateEnvironment(user=tmp_path).sections(["fr/second.j2"], {"locale": "fr"})

    assert str(caught.value) == f"template {path}, line 5: 'montant' is undefined"


def test_a_missing_attribute_in_a_builtin_layout_is_named_too(
    templates: TemplateEnvironment,
) -> None:
    with pytest.raises(RenderError, match=r"email\.txt\.j2, line 1: .*'greeting'"):
        templates.render("email.txt.j2", {"text": {}, "locale": "en"})


def test_a_syntax_error_names_the_template_and_line(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "first.j2").write_text(
        "{% block subject %}Hi{% endblock %}\n{% block opening %}{{ oops( }}{% endblock %}\n",
        encoding="utf-8",
    )
    reminder, _history = sample.planned("first", "en")
    with pytest.raises(RenderError, match=r"en/first\.j2, line 2"):
        compose(
            reminder,
            ChannelKind.EMAIL,
            company=sample.company,
            today=sample.today,
            templates=TemplateEnvironment(user=tmp_path),
        )


def test_user_templates_run_in_the_sandbox(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "first.j2").write_text(
        "{% block subject %}{{ company.__class__.__mro__ }}{% endblock %}\n", encoding="utf-8"
    )
    reminder, _history = sample.planned("first", "en")
    with pytest.raises(RenderError, match=r"unsafe|__class__"):
        compose(
            reminder,
            ChannelKind.EMAIL,
            company=sample.company,
            today=sample.today,
            templates=TemplateEnvironment(user=tmp_path),
        )


def test_every_builtin_template_renders_with_the_complete_context(
    sample: Any,
    templates: TemplateEnvironment,
) -> None:
    """Each wording file, in every language, for every channel: no missing variable."""
    short = ("sms.j2", "call.j2")  # one block per level: tests/render/test_short_texts.py
    wordings = [
        t.name
        for t in templates.templates()
        if "/" in t.name and "/_" not in t.name and not t.name.endswith(short)
    ]
    assert len(wordings) == 17  # fr: 5 levels + 2 informal; en: 5; de: 5
    for name in wordings:
        language, file = name.split("/")
        level = file.split(".")[0]
        reminder, history = sample.planned(level, "fr")
        informal = TemplateEnvironment(informal_tag="tu") if ".tu." in file else templates
        tagged = reminder.customer.model_copy(
            update={"language": language, "tags": frozenset({"tu"})}
        )
        for kind in (ChannelKind.EMAIL, ChannelKind.LETTER, ChannelKind.REGISTERED_LETTER):
            message = compose(
                type(reminder)(**{**reminder.__dict__, "customer": tagged, "language": language}),
                kind,
                company=sample.company,
                today=sample.today,
                templates=informal,
                history=history,
            )
            assert message.language == language, name
            assert message.subject, name


class _Ledger:
    """An object whose ``update`` and ``mro`` are ordinary attributes."""

    update = "2026-03-16"
    mro = "not a type"


def test_the_sandbox_remembers_its_verdicts_per_type_and_name() -> None:
    """The cached verdicts are Jinja's own, whatever was asked before."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from relance.render.environment import _Sandbox

    questions = [
        (_Ledger(), "update"),
        ({}, "update"),
        ({}, "keys"),
        ([], "append"),
        ([], "count"),
        (_Ledger(), "mro"),
        (_Ledger, "mro"),
        (str, "upper"),
        ("text", "upper"),
        (_Ledger(), "_private"),
        (_Ledger(), "__class__"),
        (set(), "add"),
        (len, "__code__"),
    ]
    reference = ImmutableSandboxedEnvironment()
    cached = _Sandbox()
    for obj, attr in [*questions, *reversed(questions)]:
        value = getattr(obj, attr, None)
        assert cached.is_safe_attribute(obj, attr, value) == reference.is_safe_attribute(
            obj, attr, value
        ), (obj, attr)
    assert not cached.is_safe_attribute({}, "update", None)
    assert cached.is_safe_attribute(_Ledger(), "update", None)


def test_money_is_written_from_the_amount_s_own_digits() -> None:
    """Equal amounts with different signs or exponents are each written as Babel writes them."""
    from babel.numbers import format_currency

    for amount in ("0.00", "-0.00", "0", "1200.5", "1200.50", "-1200.50"):
        assert format_money(Decimal(amount), "EUR", "fr") == format_currency(
            Decimal(amount), "EUR", locale="fr"
        )


SUBJECT_COUNTS = {"fr": "4 factures", "en": "4 invoices", "de": "4 Rechnungen"}


@pytest.mark.parametrize(("language", "level"), CASES)
def test_a_subject_names_up_to_three_invoices_then_counts_them(
    sample: Any, language: str, level: str, templates: TemplateEnvironment
) -> None:
    """A large account's subject does not list every number (hundreds, in one header):
    the statement in the message does."""
    reminder, history = sample.planned(level, language)
    subjects = {}
    for count in (3, 4):
        for kind in (ChannelKind.EMAIL, ChannelKind.LETTER):
            message = compose(
                sample.with_invoices(reminder, count),
                kind,
                company=sample.company,
                today=sample.today,
                templates=templates,
                history=history,
            )
            subjects[count, kind] = message.subject
            assert all(f"F{n}" in message.text for n in range(1, count + 1))
    for kind in (ChannelKind.EMAIL, ChannelKind.LETTER):
        assert all(f"F{n}" in subjects[3, kind] for n in (1, 2, 3))
        assert SUBJECT_COUNTS[language] in subjects[4, kind]
        assert "F1" not in subjects[4, kind]


@pytest.mark.parametrize(
    ("language", "level", "tags", "own_reference"),
    [
        ("fr", "first", (), "votre référence client"),
        ("fr", "first", ("tu",), "ta référence client"),
        ("fr", "courtesy", ("tu",), "ta référence client"),
        ("en", "first", (), "your customer reference"),
        ("de", "final", (), "Ihre Kundennummer"),
    ],
)
def test_a_transfer_quotes_up_to_three_references_else_the_customers(
    sample: Any, language: str, level: str, tags: tuple[str, ...], own_reference: str
) -> None:
    """A bank transfer's label holds 140 characters: a large account is asked for its
    customer reference, in the wording (informal too) and in the payment details."""
    reminder, history = sample.planned(level, language)
    tagged = reminder.customer.model_copy(update={"tags": frozenset(tags)})
    reminder = dataclasses.replace(reminder, customer=tagged)
    texts = {}
    for count in (3, 4):
        email = compose(
            sample.with_invoices(reminder, count),
            ChannelKind.EMAIL,
            company=sample.company,
            today=sample.today,
            templates=TemplateEnvironment(informal_tag="tu"),
            history=history,
        )
        assert email.html is not None
        texts[count] = (email.text, email.html)
    customer = reminder.customer.id
    for body in texts[3]:
        assert "RF-F1, RF-F2, RF-F3" in body
        assert own_reference not in body
    for body in texts[4]:
        assert "RF-F" not in body
        assert f"{own_reference} {customer}" in body
    for count, quoted in ((3, "RF-F1, RF-F2, RF-F3"), (4, customer)):
        lines = texts[count][0].splitlines()
        bic = next(n for n, line in enumerate(lines) if line.strip().startswith("BIC"))
        assert lines[bic + 1].endswith(f" {quoted}")  # the payment details' reference
