"""When the bot speaks on its own: reminders serve a deadline (the working day before),
digests report on a week (the working day after), at 09:00 Amsterdam time whatever the
season."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.schedule import (
    Rules,
    digest_due,
    due_for,
    due_reminder,
    escalated,
    overview_due,
    reminders_before,
    sending_day,
    status_round,
)
from bot.workdays import Calendar, of_regio
from tests.conftest import AMS

CAO = Calendar()
RULES = Rules()


def days(datum: date, calendar: Calendar = CAO) -> dict[str, date]:
    return {r.label: r.day for r in reminders_before(datum, calendar, RULES)}


def test_a_milestone_is_reminded_14_7_and_1_working_days_before_and_on_the_day() -> None:
    # Thursday 14 January 2027: no holidays in the fortnight before it.
    assert days(date(2027, 1, 14)) == {
        "14": date(2026, 12, 23), "7": date(2027, 1, 5), "1": date(2027, 1, 13),
        "dag": date(2027, 1, 14)}


def test_a_reminder_on_koningsdag_goes_out_the_working_day_before() -> None:
    # Tuesday 27 April 2027 is Koningsdag: "on the day" falls on Monday the 26th.
    assert days(date(2027, 4, 27))["dag"] == date(2027, 4, 26)
    assert days(date(2027, 4, 28))["1"] == date(2027, 4, 26)


def test_koningsdag_on_a_sunday_moves_to_saturday_and_the_monday_is_a_working_day() -> None:
    # 27 April 2025 was a Sunday: Koningsdag was Saturday the 26th, Monday 28th a workday.
    assert CAO.is_working_day(date(2025, 4, 28))
    assert days(date(2025, 4, 29))["1"] == date(2025, 4, 28)


def test_goede_vrijdag_is_a_working_day_for_municipal_staff() -> None:
    assert days(date(2027, 3, 26))["dag"] == date(2027, 3, 26)


def test_bevrijdingsdag_is_off_also_outside_a_lustrum_year() -> None:
    # Wednesday 5 May 2027 (2025 was the lustrum): the reminder goes out on Tuesday.
    assert days(date(2027, 5, 5))["dag"] == date(2027, 5, 4)


def test_hemelvaart_after_bevrijdingsdag_skips_back_two_days() -> None:
    # Thursday 6 May 2027 is Hemelvaartsdag, Wednesday the 5th Bevrijdingsdag.
    assert days(date(2027, 5, 7))["1"] == date(2027, 5, 4)


def test_pasen_and_pinksteren_mondays_are_off() -> None:
    assert days(date(2027, 3, 30))["1"] == date(2027, 3, 26)   # over Tweede Paasdag
    assert days(date(2027, 5, 18))["1"] == date(2027, 5, 14)   # over Tweede Pinksterdag


def test_over_christmas_one_working_day_before_monday_is_thursday() -> None:
    # 25 and 26 December 2026 are a Friday and a Saturday.
    assert days(date(2026, 12, 28))["1"] == date(2026, 12, 24)


def test_a_regions_closing_days_are_not_working_days() -> None:
    closed = of_regio({"sluitingsdagen": ["2026-12-28", "2026-12-29", "2026-12-30",
                                          "2026-12-31"]})
    # A milestone on Monday 4 January 2027: the day before is Thursday 24 December.
    assert days(date(2027, 1, 4), closed)["1"] == date(2026, 12, 24)


def test_a_milestone_in_the_weekend_is_reminded_on_friday_once() -> None:
    saturday = days(date(2027, 1, 16))
    assert saturday["dag"] == date(2027, 1, 15)
    assert "1" not in saturday  # the same Friday: one reminder, not two
    assert days(date(2027, 1, 18))["1"] == date(2027, 1, 15)  # Monday's "1" is Friday


def test_overdue_is_reminded_the_next_working_day_then_weekly() -> None:
    datum = date(2027, 1, 14)  # Thursday
    assert due_reminder(datum, date(2027, 1, 15), CAO, RULES).label == "te-laat-0"
    assert due_reminder(datum, date(2027, 1, 21), CAO, RULES).label == "te-laat-0"
    week = due_reminder(datum, date(2027, 1, 22), CAO, RULES)
    assert (week.label, week.day) == ("te-laat-1", date(2027, 1, 22))


def test_after_three_days_down_only_the_most_recent_reminder_is_due() -> None:
    # The 7-day reminder (Tuesday 5 January) and the 1-day one (Wednesday 13th) were both
    # missed by a worker that was down: on Thursday only "dag" is due.
    due = due_reminder(date(2027, 1, 14), date(2027, 1, 14), CAO, RULES)
    assert (due.label, due.day) == ("dag", date(2027, 1, 14))
    due = due_reminder(date(2027, 1, 14), date(2027, 1, 8), CAO, RULES)
    assert due.label == "7"


def test_a_snoozed_reminder_is_silent_until_its_day_then_once() -> None:
    datum = date(2027, 1, 14)
    assert due_for(datum, date(2027, 1, 13), CAO, RULES, date(2027, 1, 18)) is None
    later = due_for(datum, date(2027, 1, 18), CAO, RULES, date(2027, 1, 18))
    assert later.label == "later-2027-01-18"
    # A week overdue, the weekly reminder comes again.
    assert due_for(datum, date(2027, 1, 22), CAO, RULES, date(2027, 1, 18)).label == \
        "te-laat-1"


def test_the_monday_digest_comes_on_tuesday_after_easter_monday() -> None:
    assert digest_due(date(2027, 3, 29), CAO, RULES) is None  # Tweede Paasdag: no sends
    assert digest_due(date(2027, 3, 30), CAO, RULES) == date(2027, 3, 29)


def test_a_digest_more_than_one_working_day_late_is_skipped() -> None:
    assert digest_due(date(2027, 1, 11), CAO, RULES) == date(2027, 1, 11)
    assert digest_due(date(2027, 1, 12), CAO, RULES) == date(2027, 1, 11)  # a day late
    assert digest_due(date(2027, 1, 13), CAO, RULES) is None


def test_a_region_can_move_its_digest_to_another_day() -> None:
    friday = Rules.of_regio({"digest_day": "vrijdag"}, RULES)
    assert digest_due(date(2027, 1, 15), CAO, friday) == date(2027, 1, 15)
    assert digest_due(date(2027, 1, 11), CAO, friday) == date(2027, 1, 8)  # Monday: late
    assert digest_due(date(2027, 1, 12), CAO, friday) is None


@pytest.mark.parametrize(("utc", "expected"), [
    # Spring: clocks go forward on Sunday 28 March 2027; 09:00 is then 07:00 UTC.
    (datetime(2027, 3, 30, 6, 59, tzinfo=UTC), None),
    (datetime(2027, 3, 30, 7, 0, tzinfo=UTC), date(2027, 3, 30)),
    # Autumn: clocks go back on Sunday 25 October 2026; 09:00 is then 08:00 UTC.
    (datetime(2026, 10, 26, 7, 30, tzinfo=UTC), None),
    (datetime(2026, 10, 26, 8, 0, tzinfo=UTC), date(2026, 10, 26)),
    # Friday before and after the changes, still on the old offset.
    (datetime(2027, 3, 26, 7, 30, tzinfo=UTC), None),
    (datetime(2026, 10, 23, 7, 0, tzinfo=UTC), date(2026, 10, 23)),
])
def test_sends_start_at_nine_amsterdam_time_across_daylight_saving(
        utc: datetime, expected: date | None) -> None:
    assert sending_day(utc, CAO, RULES, AMS) == expected


def test_nothing_is_sent_on_a_weekend_or_holiday() -> None:
    saturday = datetime(2027, 1, 16, 12, 0, tzinfo=AMS)
    kerst = datetime(2026, 12, 25, 12, 0, tzinfo=AMS)
    assert sending_day(saturday, CAO, RULES, AMS) is None
    assert sending_day(kerst, CAO, RULES, AMS) is None


def test_a_region_sets_its_own_lead_times_and_cadence() -> None:
    rules = Rules.of_regio({"reminder_days": [10, 3], "status_cadence_weeks": 2}, RULES)
    assert rules.reminder_days == (10, 3) and rules.status_cadence_weeks == 2
    assert set(days_with(date(2027, 1, 14), rules)) == {"10", "3", "dag"}
    assert status_round(date(2027, 1, 1), date(2027, 1, 15), rules) == 1


def days_with(datum: date, rules: Rules) -> list[str]:
    return [r.label for r in reminders_before(datum, CAO, rules)]


def test_send_time_is_a_setting() -> None:
    early = Rules(send_time=time(8, 0))
    assert sending_day(datetime(2027, 1, 14, 8, 0, tzinfo=AMS), CAO, early, AMS) == \
        date(2027, 1, 14)


def test_a_late_milestone_escalates_after_the_regions_number_of_weekly_reminders() -> None:
    # Due Thursday 10 December 2026: late reminders on 11, 18 and 24 December (the 25th is
    # Kerstdag); the fourth week (from 1 January) escalates instead.
    due = date(2026, 12, 10)
    assert not escalated(due, date(2026, 12, 31), CAO, RULES)
    assert escalated(due, date(2027, 1, 4), CAO, RULES)
    once = Rules.of_regio({"escalatie_na_herinneringen": 1}, RULES)
    assert once.escalate_after == 1 and escalated(due, date(2026, 12, 18), CAO, once)
    assert Rules.of_regio({"escalatie_na_herinneringen": "veel"}, RULES).escalate_after == 3


def test_the_bestuurders_overview_follows_the_digest_unless_the_region_says_otherwise() -> None:
    assert overview_due(date(2026, 11, 30), CAO, RULES) == date(2026, 11, 30)
    wednesday = Rules.of_regio({"bestuurder_overzicht_dag": "woensdag"}, RULES)
    assert overview_due(date(2026, 11, 30), CAO, wednesday) is None
    assert overview_due(date(2026, 12, 2), CAO, wednesday) == date(2026, 12, 2)
