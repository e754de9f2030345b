"""The shopper's own problem sentence replaces the generated one in every channel."""

from __future__ import annotations

from datetime import UTC, datetime

from shopguard.complaints import Channel, Complaint, ComplaintFacts, propose_demands, render_draft

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_the_own_statement_replaces_ours_without_its_final_full_stop() -> None:
    facts = ComplaintFacts(platform="douyin", problem_type="quality_defect", amount_paid_fen=39800)  # type: ignore[arg-type]
    demand = propose_demands(facts)[0]
    ours = render_draft(Complaint(facts, demand), Channel.SELLER_CHAT, now=NOW).text
    own = render_draft(
        Complaint(facts, demand, statement="鞋底开胶了。"), Channel.SELLER_CHAT, now=NOW
    ).text
    assert "收到的商品存在质量问题，经过如下：" in ours
    assert "鞋底开胶了，经过如下：" in own and "存在质量问题" not in own
