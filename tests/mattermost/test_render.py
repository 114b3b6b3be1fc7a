"""Mattermost markdown from the message model: what users typed never notifies anyone."""

from __future__ import annotations

from bot.messages import Message, PersonRef, Section, Strong, fact, line
from bot.platforms.mattermost.render import MAX_MESSAGE, ZWSP, escape, fit, message_text


def test_mentions_typed_by_users_notify_nobody() -> None:
    for typed in ("@channel", "@all", "@here", "@plo-houten", "~town-square"):
        rendered = escape(f"Overleg {typed} vandaag")
        assert typed not in rendered and ZWSP in rendered


def test_markdown_typed_by_users_shows_as_typed() -> None:
    assert escape("**vet** _schuin_ [link](http://x) # kop") == \
        r"\*\*vet\*\* \_schuin\_ \[link\](http://x) # kop"
    # What starts a heading, a list or a quote is escaped only where it would.
    assert [escape(x) for x in ("# kop", "- punt", "12. maart", "> citaat", "JGD-03")] == \
        [r"\# kop", r"\- punt", r"12\. maart", r"\> citaat", "JGD-03"]
    assert escape("regel\nnieuwe regel\x1b[2J") == r"regel nieuwe regel\[2J"


def test_a_person_the_bot_names_is_a_mention_others_are_their_name() -> None:
    message = Message(heading="JGD-03 · Kosten", sections=[
        Section(title="Driehoek", lines=[line(PersonRef(persoon_id=1, naam="Anouk de Vries")),
                                         line(PersonRef(persoon_id=2, naam="Karel Boer"))]),
        Section(facts=[fact("Status", Strong(text="risico"))])], context=["Bijgewerkt"])
    assert message_text(message, {1: "plo-houten"}) == "\n".join([
        "**JGD-03 · Kosten**", "**Driehoek**", "- @plo-houten", "- Karel Boer",
        "**Status:** **risico**", "_Bijgewerkt_"])


def test_an_odd_username_is_not_trusted_as_a_mention() -> None:
    message = Message(sections=[Section(lines=[line(PersonRef(persoon_id=1, naam="X"))])])
    assert message_text(message, {1: "here everyone"}) == "X"


def test_a_text_too_long_for_a_post_keeps_whole_lines_and_says_how_many_more() -> None:
    lines = [f"- JGD-{n:03d} regel met wat tekst" for n in range(1, 1001)]
    text = fit("\n".join(lines), limit=2_000)
    shown = text.split("\n")
    assert len(text) <= 2_000 and shown[:-1] == lines[:len(shown) - 1]
    assert shown[-1] == f"_… en nog {1000 - (len(shown) - 1)} regels; vraag het gerichter op._"
    assert fit("kort") == "kort" and fit("x" * MAX_MESSAGE) == "x" * MAX_MESSAGE


def test_one_line_longer_than_a_post_is_cut_short_outside_an_escape() -> None:
    text = fit("\\*" * 20_000)
    assert len(text) <= MAX_MESSAGE and text.endswith("\\*…")
    assert fit("a" * 20_000 + "\nb", limit=100).endswith("…\n_… en nog 1 regel; vraag het "
                                                        "gerichter op._")
