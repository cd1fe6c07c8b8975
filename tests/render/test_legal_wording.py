"""What the messages assert as facts: the law they cite, the reminders they say were
sent, the penalties they show. A formal notice can be produced in court: none of it
may be false."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from relance.model import ChannelKind, CustomerKind
from relance.render import RenderError, TemplateEnvironment, compose
from relance.render.formatting import format_day
from relance.testing.ledgers import sent


def render(sample: Any, reminder: Any, history: Any, kind: ChannelKind = ChannelKind.EMAIL) -> str:
    message = compose(
        reminder,
        kind,
        company=sample.company,
        today=sample.today,
        templates=TemplateEnvironment(),
        history=history,
    )
    return f"{message.subject}\n{message.text}"


def under(reminder: Any, jurisdiction: str, **figures: Decimal) -> Any:
    """``reminder`` with every quote computed under ``jurisdiction``."""
    items = tuple(
        dataclasses.replace(
            item,
            penalty=item.penalty.model_copy(update={"jurisdiction": jurisdiction, **figures}),
        )
        if item.penalty is not None
        else item
        for item in reminder.items
    )
    return dataclasses.replace(reminder, items=items)


CLAIMS = {
    "fr": ("Malgré", "Nos relances", "Notre relance", "revenons"),
    "en": ("Despite our", "Our reminder", "writing again"),
    "de": (
        "Trotz unserer",
        "trotz unserer",
        "Zahlungserinnerung",
        "erneut",
        "2. Mahnung",
        "3. Mahnung",
    ),
}
"""How each language says that earlier reminders were sent."""


@pytest.mark.parametrize(
    ("language", "level"),
    [
        (lang, level)
        for lang in ("fr", "en", "de")
        for level in ("second", "final", "formal_notice")
    ],
)
def test_no_message_mentions_earlier_reminders_when_none_was_sent(
    sample: Any, language: str, level: str
) -> None:
    reminder, history = sample.planned(level, language)

    alone = render(sample, reminder, [])
    followed = render(sample, reminder, history)

    assert not [claim for claim in CLAIMS[language] if claim in alone], alone
    assert [claim for claim in CLAIMS[language] if claim in followed]


@pytest.mark.parametrize(
    ("language", "one", "three"),
    [
        ("fr", "Notre relance du 27 mai 2025 est restée sans effet.",
         "Nos relances du 27 mai 2025, du 6 juin 2025 et du 20 juin 2025 sont restées sans effet."),
        ("en", "Our reminder of 27 May 2025 has gone unanswered.",
         "Our reminders of 27 May 2025, 6 June 2025 and 20 June 2025 have gone unanswered."),
        ("de", "unsere Zahlungserinnerung vom 27. Mai 2025 blieb ohne Erfolg.",
         "unsere Zahlungserinnerungen vom 27. Mai 2025, vom 6. Juni 2025 und vom 20. Juni 2025 blieben ohne Erfolg."),
    ],
)  # fmt: skip
def test_the_formal_notice_counts_the_reminders_it_lists(
    sample: Any, language: str, one: str, three: str
) -> None:
    reminder, history = sample.planned("formal_notice", language)

    assert three in render(sample, reminder, history)
    assert one in render(sample, reminder, history[:1])


@pytest.mark.parametrize("level", ["final", "formal_notice"])
@pytest.mark.parametrize(
    ("language", "jurisdiction", "cited", "not_cited"),
    [
        ("fr", "fr-b2b", "article L441-10 du Code de commerce", "Late Payment"),
        ("fr", "uk-b2b", "Late Payment of Commercial Debts (Interest) Act 1998", "L441-10"),
        ("fr", "de-b2b", "article 288 du Code civil allemand", "L441-10"),
        ("en", "fr-b2b", "article L441-10 of the French Commercial Code", "Late Payment"),
        ("en", "uk-b2b", "Late Payment of Commercial Debts (Interest) Act 1998", "L441-10"),
        ("en", "de-b2b", "section 288 of the German Civil Code", "L441-10"),
        ("en", "be-b2b", "provided by the applicable law", "L441-10"),
        ("de", "fr-b2b", "Artikel L441-10 des französischen Handelsgesetzbuchs", "BGB"),
        ("de", "uk-b2b", "Late Payment of Commercial Debts (Interest) Act 1998", "L441-10"),
        (
            "de",
            "de-b2b",
            "neun Prozentpunkten über dem Basiszinssatz (§ 288 Abs. 2 BGB)",
            "L441-10",
        ),
        ("de", "de-b2b", "40 Euro je Rechnung (§ 288 Abs. 5 BGB)", "Late Payment"),
        ("de", "be-b2b", "nach dem anwendbaren Recht vorgesehenen", "L441-10"),
    ],
)
def test_the_law_cited_is_the_one_the_penalties_were_computed_under(
    sample: Any, level: str, language: str, jurisdiction: str, cited: str, not_cited: str
) -> None:
    reminder, history = sample.planned(level, language)

    text = render(sample, under(reminder, jurisdiction), history)

    assert cited in text
    assert not_cited not in text


def test_without_quoted_penalties_the_law_is_the_customers_by_default(sample: Any) -> None:
    """A level that quotes no penalties still names the law; nothing says "shown above"."""
    reminder, history = sample.planned("final", "en")
    bare = dataclasses.replace(
        reminder,
        level=reminder.level.model_copy(update={"penalties": False}),
        items=tuple(dataclasses.replace(item, penalty=None) for item in reminder.items),
    )

    text = render(sample, bare, history)

    assert "article L441-10 of the French Commercial Code" in text
    assert "shown in the statement above" not in text


def test_without_quoted_penalties_the_german_wording_says_nothing_is_shown_above(
    sample: Any,
) -> None:
    reminder, history = sample.planned("formal_notice", "de")
    bare = dataclasses.replace(
        reminder,
        level=reminder.level.model_copy(update={"penalties": False}),
        items=tuple(dataclasses.replace(item, penalty=None) for item in reminder.items),
    )

    text = render(sample, bare, history)

    assert "Artikel L441-10 des französischen Handelsgesetzbuchs" in text
    assert "bis zur vollständigen Zahlung weiter" in text
    assert "oben ausgewiesen" not in text
    assert "oben ausgewiesen" in render(sample, reminder, history)


@pytest.mark.parametrize(
    ("level", "cited"),
    [
        ("final", "fallen auf die offenen Beträge Verzugszinsen in Höhe von fünf Prozentpunkten"),
        ("formal_notice", "bis zur vollständigen Zahlung Verzugszinsen in Höhe von fünf"),
    ],
)
def test_a_german_consumer_is_cited_the_consumer_rate(sample: Any, level: str, cited: str) -> None:
    reminder, history = sample.planned(level, "de")
    customer = reminder.customer.model_copy(update={"kind": CustomerKind.CONSUMER})

    text = render(
        sample, under(dataclasses.replace(reminder, customer=customer), "de-b2c"), history
    )

    assert cited in text
    assert "(§ 288 Abs. 1 BGB)" in text
    assert "neun Prozentpunkten" not in text
    assert "Pauschale von 40 Euro" not in text


@pytest.mark.parametrize("language", ["fr", "en", "de"])
def test_a_consumer_is_shown_no_zero_interest_nor_indemnity(sample: Any, language: str) -> None:
    """Before a formal notice a consumer owes no interest, and never a recovery indemnity:
    lines of zeros would say otherwise."""
    reminder, history = sample.planned("final", language)
    customer = reminder.customer.model_copy(update={"kind": CustomerKind.CONSUMER})
    zero = under(
        dataclasses.replace(reminder, customer=customer),
        "fr-b2c",
        interest=Decimal("0.00"),
        indemnity=Decimal("0.00"),
        segments=(),
    )

    for kind in (ChannelKind.EMAIL, ChannelKind.LETTER):
        text = render(sample, zero, history, kind)
        assert " 0,00\u00a0€" not in text, text
        assert "€0.00" not in text, text
        indemnity = {
            "fr": "Indemnité forfaitaire",
            "en": "Fixed compensation",
            "de": "Pauschale für Beitreibungskosten",
        }[language]
        assert indemnity not in text, text


def test_a_consumer_with_interest_but_no_indemnity_sees_the_interest_only(sample: Any) -> None:
    reminder, history = sample.planned("final", "fr")
    customer = reminder.customer.model_copy(update={"kind": CustomerKind.CONSUMER})
    quoted = under(
        dataclasses.replace(reminder, customer=customer),
        "fr-b2c",
        interest=Decimal("4.20"),
        indemnity=Decimal("0.00"),
        segments=(),
    )

    text = render(sample, quoted, history)

    assert "Intérêts\u00a0: 4,20" in text
    assert "Indemnité forfaitaire pour frais de recouvrement\u00a0:" not in text


def test_french_writes_the_first_of_the_month_as_an_ordinal() -> None:
    assert format_day(date(2026, 3, 1), "fr") == "1er mars 2026"
    assert format_day(date(2026, 3, 1), "fr_BE") == "1er mars 2026"
    assert format_day(date(2026, 3, 11), "fr") == "11 mars 2026"
    assert format_day(date(2026, 3, 1), "en") == "1 March 2026"
    assert format_day(date(2026, 3, 1), "de") == "1. März 2026"


@pytest.mark.parametrize(
    ("language", "one", "several"),
    [
        ("fr", "arrive bientôt", "arrivent bientôt"),
        ("en", "falls due soon", "fall due soon"),
        ("de", "wird die Rechnung", "werden die Rechnungen"),
    ],
)
def test_the_sms_agrees_with_the_number_of_invoices(
    sample: Any, language: str, one: str, several: str
) -> None:
    reminder, history = sample.planned("courtesy", language)
    two = sample.with_invoices(reminder, 2)

    assert one in render(sample, reminder, history, ChannelKind.SMS)
    assert several in render(sample, two, history, ChannelKind.SMS)


@pytest.mark.parametrize(
    ("language", "level", "instead"),
    [
        ("fr", "second", "dans les meilleurs délais"),
        ("fr", "final", "sans délai. À défaut"),
        ("fr", "formal_notice", "dès réception de la présente"),
        ("en", "second", "as soon as possible"),
        ("en", "final", "without delay. Otherwise"),
        ("en", "formal_notice", "on receipt of this letter"),
        ("de", "second", "umgehend"),
        ("de", "final", "umgehend. Geht die Zahlung nicht umgehend"),
        ("de", "formal_notice", "umgehend nach Zugang dieses Schreibens"),
    ],
)
def test_a_level_without_a_deadline_asks_for_payment_without_a_date(
    sample: Any, language: str, level: str, instead: str
) -> None:
    """No deadline was once written as the machine's date of the day (Babel's default)."""
    reminder, history = sample.planned(level, language)

    text = render(sample, dataclasses.replace(reminder, deadline=None), history)

    assert instead in text
    assert format_day(datetime.now(UTC).date(), language) not in text


def test_the_day_filter_refuses_a_missing_date(tmp_path: Path) -> None:
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "dated.j2").write_text("{{ nothing | day }}", encoding="utf-8")
    environment = TemplateEnvironment(user=tmp_path)

    with pytest.raises(RenderError, match=r"fr/dated.j2, line 1: .*needs a date, got None"):
        environment.render("fr/dated.j2", {"locale": "fr", "nothing": None})


def test_a_courtesy_note_before_the_due_date_is_not_an_unanswered_reminder(sample: Any) -> None:
    reminder, history = sample.planned("formal_notice", "fr")
    due = reminder.items[0].invoice.due_date
    courtesy = sent(
        "courtesy",
        {reminder.items[0].invoice.id: "courtesy"},
        on=due - timedelta(days=3),
        who=reminder.customer.id,
    )

    text = render(sample, reminder, [courtesy, *history])

    assert "Nos relances du 27 mai 2025, du 6 juin 2025 et du 20 juin 2025 sont restées" in text
    assert render(sample, reminder, [courtesy]).count("relance") == render(
        sample, reminder, []
    ).count("relance")


def test_without_quoted_penalties_the_configured_jurisdiction_is_cited(sample: Any) -> None:
    """[customers.<id>] jurisdiction = "de-b2b": the law the penalties would be quoted
    under, also when this level quotes none."""
    reminder, history = sample.planned("final", "en")
    bare = dataclasses.replace(
        reminder,
        level=reminder.level.model_copy(update={"penalties": False}),
        items=tuple(dataclasses.replace(item, penalty=None) for item in reminder.items),
        jurisdiction="de-b2b",
    )

    text = render(sample, bare, history)

    assert "section 288 of the German Civil Code" in text
    assert "L441-10" not in text
