"""The 价保 watch decision (pure): one alert per new low inside the window, exact refunds,
no repeats on flapping, unreadable pages never alert; and the shopper's own price reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shopguard.prices import (
    Observation,
    PriceFound,
    PriceUnreadable,
    PriceWatch,
    ReportError,
    WatchState,
    decide,
    parse_reported_price,
    record_fetch_failure,
)

START = datetime(2026, 11, 11, 0, 0, tzinfo=UTC)
END = START + timedelta(days=7)


def watch(**changes: object) -> PriceWatch:
    values: dict[str, object] = {
        "paid_unit_fen": 129900,
        "quantity": 2,
        "starts_at": START,
        "ends_at": END,
        "threshold_fen": 0,
        "url": "https://item.jd.com/1.html",
    }
    values.update(changes)
    return PriceWatch(**values)  # type: ignore[arg-type]


def seen(fen: int, hours: float = 1, currency: str | None = "CNY") -> Observation:
    return Observation(START + timedelta(hours=hours), PriceFound(fen, currency, "json-ld"))


def run(w: PriceWatch, prices: list[int]) -> tuple[list[str], WatchState]:
    state = WatchState()
    kinds: list[str] = []
    for hour, fen in enumerate(prices, start=1):
        verdict = decide(w, state, seen(fen, hour))
        kinds.append(verdict.kind)
        state = verdict.state
    return kinds, state


def test_a_drop_inside_the_window_alerts_with_the_exact_refund() -> None:
    verdict = decide(watch(), WatchState(), seen(119950))
    assert verdict.kind == "alert"
    assert verdict.alert is not None
    assert verdict.alert.unit_price_fen == 119950
    assert verdict.alert.refund_fen == (129900 - 119950) * 2 == 19900
    assert verdict.alert.extra_fen == 19900
    assert verdict.state.alerts == (verdict.alert,)


def test_a_second_lower_drop_is_a_second_alert() -> None:
    kinds, state = run(watch(), [119900, 109900])
    assert kinds == ["alert", "alert"]
    first, second = state.alerts
    assert first.refund_fen == (129900 - 119900) * 2
    assert second.refund_fen == (129900 - 109900) * 2
    assert second.extra_fen == (119900 - 109900) * 2  # what is new since the first claim


def test_flapping_back_to_the_same_low_does_not_repeat() -> None:
    kinds, state = run(watch(), [119900, 129900, 119900, 125000, 119900])
    assert kinds == ["alert", "nothing", "nothing", "nothing", "nothing"]
    assert len(state.alerts) == 1


def test_higher_than_the_last_low_but_below_paid_is_not_new() -> None:
    verdicts = []
    state = WatchState()
    for hour, fen in enumerate([109900, 119900], start=1):
        verdict = decide(watch(), state, seen(fen, hour))
        verdicts.append((verdict.kind, verdict.reason))
        state = verdict.state
    assert verdicts == [("alert", ""), ("nothing", "not_new_low")]


def test_prices_at_or_above_the_paid_price_are_nothing() -> None:
    for fen in (129900, 139900):
        verdict = decide(watch(), WatchState(), seen(fen))
        assert (verdict.kind, verdict.reason) == ("nothing", "not_below_paid")


def test_small_changes_below_the_threshold_are_ignored() -> None:
    w = watch(threshold_fen=500)
    assert decide(w, WatchState(), seen(129500)).reason == "below_threshold"  # 4 yuan
    kinds, state = run(w, [129400, 129000, 128900])
    # 5 yuan below paid → alert; 4 yuan below that low → ignored; 5 yuan below → alert
    assert kinds == ["alert", "nothing", "alert"]
    assert [a.unit_price_fen for a in state.alerts] == [129400, 128900]


def test_nothing_counts_outside_the_window() -> None:
    before = Observation(START - timedelta(seconds=1), PriceFound(100, "CNY", "json-ld"))
    at_end = Observation(END, PriceFound(100, "CNY", "json-ld"))
    for observation in (before, at_end):
        verdict = decide(watch(), WatchState(), observation)
        assert (verdict.kind, verdict.reason) == ("nothing", "outside_window")
    last_moment = Observation(END - timedelta(seconds=1), PriceFound(100, "CNY", "json-ld"))
    assert decide(watch(), WatchState(), last_moment).kind == "alert"


def test_should_fetch_only_inside_the_window_and_with_a_url() -> None:
    w = watch()
    assert not w.should_fetch(START - timedelta(minutes=1))
    assert w.should_fetch(START)
    assert w.should_fetch(END - timedelta(microseconds=1))
    assert not w.should_fetch(END)
    assert not w.should_fetch(END + timedelta(days=30))
    assert not watch(url=None).should_fetch(START + timedelta(days=1))


def test_an_unreadable_page_never_alerts_and_is_told_once() -> None:
    state = WatchState()
    told = []
    for hour, reason in enumerate(["from_price", "no_price", "range"], start=1):
        observation = Observation(START + timedelta(hours=hour), PriceUnreadable(reason))  # type: ignore[arg-type]
        verdict = decide(watch(), state, observation)
        assert verdict.kind == "unreadable"
        assert verdict.alert is None
        told.append(verdict.tell_unreadable)
        state = verdict.state
    assert told == [True, False, False]
    assert state.failures_in_row == 3
    assert state.alerts == ()
    state = decide(watch(), state, seen(129900, 10)).state
    assert state.failures_in_row == 0
    assert state.told_unreadable  # once per watch, not once per bad spell


def test_another_currency_is_never_compared() -> None:
    verdict = decide(watch(), WatchState(), seen(100, currency="USD"))
    assert (verdict.kind, verdict.reason) == ("unreadable", "other_currency")
    assert verdict.price == PriceFound(100, "USD", "json-ld")
    assert verdict.tell_unreadable


def test_a_price_without_a_currency_is_taken_as_cny() -> None:
    assert decide(watch(), WatchState(), seen(100, currency=None)).kind == "alert"


def test_fetch_failures_are_told_once_permanent_at_once_transient_after_three() -> None:
    state, tell = record_fetch_failure(WatchState(), permanent=True)
    assert tell and state.told_unreadable
    assert record_fetch_failure(state, permanent=True)[1] is False
    state, tells = WatchState(), []
    for _ in range(4):
        state, tell = record_fetch_failure(state, permanent=False)
        tells.append(tell)
    assert tells == [False, False, True, False]


def test_the_window_and_amounts_are_checked() -> None:
    with pytest.raises(ValueError):
        watch(paid_unit_fen=0)
    with pytest.raises(ValueError):
        watch(quantity=0)
    with pytest.raises(ValueError):
        watch(threshold_fen=-1)
    with pytest.raises(ValueError):
        watch(ends_at=START)
    with pytest.raises(ValueError):
        watch(starts_at=datetime(2026, 11, 11))
    shanghai = timezone(timedelta(hours=8))
    w = watch(starts_at=datetime(2026, 11, 11, 8, 0, tzinfo=shanghai))
    assert w.starts_at == START
    assert w.starts_at.tzinfo is UTC


# --- the shopper's own report --------------------------------------------------------------

REPORTS = [
    ("/price 79", 7900),
    ("/price@ShopGuardBot ¥79.50", 7950),
    ("/PRICE 1,299", 129900),
    ("现在只要79了", 7900),
    ("降到79块5了", 7950),
    ("从99降到79了", 7900),
    ("刚看了，原价99，现在 79 元", 7900),
    ("今天10点只要79", 7900),
    ("买了3件，现在79一件", 7900),
    ("７９元", 7900),
    ("79", 7900),
]


@pytest.mark.parametrize(("text", "fen"), REPORTS, ids=[t for t, _ in REPORTS])
def test_reported_prices(text: str, fen: int) -> None:
    reported = parse_reported_price(text)
    assert isinstance(reported, PriceFound), reported
    assert (reported.amount_fen, reported.currency, reported.source) == (fen, "CNY", "manual")


REFUSED = [
    ("没降价", "no_price"),
    ("/price", "no_price"),
    ("99还是79", "ambiguous"),
    ("现在79，明天现在69", "ambiguous"),
    ("79元起", "from_price"),
    ("/price 79-99", "range"),
    ("/price 79.999", "bad_amount"),
    ("/price 0", "bad_amount"),
]


@pytest.mark.parametrize(("text", "code"), REFUSED, ids=[t for t, _ in REFUSED])
def test_reports_that_are_not_one_price(text: str, code: str) -> None:
    assert parse_reported_price(text) == ReportError(code, text)  # type: ignore[arg-type]


def test_a_report_in_another_currency_is_kept_and_not_compared() -> None:
    reported = parse_reported_price("/price $79")
    assert reported == PriceFound(7900, "USD", "manual", "$79")
    verdict = decide(watch(), WatchState(), Observation(START, reported, "manual"))
    assert (verdict.kind, verdict.reason) == ("unreadable", "other_currency")
    assert not verdict.tell_unreadable  # the chat answers this at once
    assert verdict.state == WatchState()


def test_a_report_goes_through_the_same_decision() -> None:
    reported = parse_reported_price("现在只要1099了")
    assert isinstance(reported, PriceFound)
    first = decide(
        watch(), WatchState(), Observation(START + timedelta(days=1), reported, "manual")
    )
    assert first.alert is not None
    assert (first.alert.refund_fen, first.alert.origin) == ((129900 - 109900) * 2, "manual")
    again = decide(watch(), first.state, Observation(START + timedelta(days=2), reported, "manual"))
    assert (again.kind, again.reason) == ("nothing", "not_new_low")
    late = decide(watch(), WatchState(), Observation(END + timedelta(hours=1), reported, "manual"))
    assert (late.kind, late.reason) == ("nothing", "outside_window")
