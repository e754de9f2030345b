"""Forged evidence buttons aimed at another shopper's case, item or batch: "not found", and
nothing of theirs is shown, sent or changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from bot.evidence_callbacks import (
    EvBatchCb,
    EvCaseCb,
    EvItemCb,
    EvPendingCb,
    EvTickCb,
    EvUnboxCb,
)
from bot.local_chat import LocalChat
from shopguard.db.models import Case, EvidenceItem
from shopguard.settings import Settings
from tests.bot.conftest import StoredData
from tests.bot.test_evidence_intake import FILMED, new_case, stored_hashes
from tests.evidence_samples import mp4_with_times

SECRET = "受害人的秘密说明"


@pytest.fixture
async def victim(chat: LocalChat, db: StoredData) -> EvidenceItem:
    await new_case(chat, "抖音", "运输破损")
    await chat.send_video(mp4_with_times(FILMED, 30), "victim.mp4", caption=SECRET)
    await chat.press("开箱视频")
    item = (await db.exec(select(EvidenceItem))).one()
    return item  # type: ignore[no-any-return]


Forge = Callable[[EvidenceItem], Any]
FORGERIES: list[tuple[str, Forge]] = [
    ("list", lambda i: EvCaseCb(action="list", case_id=i.case_id)),
    ("checklist", lambda i: EvCaseCb(action="check", case_id=i.case_id)),
    ("export", lambda i: EvCaseCb(action="export", case_id=i.case_id)),
    ("guide", lambda i: EvCaseCb(action="guide", case_id=i.case_id)),
    ("show", lambda i: EvItemCb(action="show", item_id=i.id)),
    ("view", lambda i: EvItemCb(action="view", item_id=i.id)),
    ("describe", lambda i: EvItemCb(action="desc", item_id=i.id)),
    ("kind", lambda i: EvItemCb(action="kind", item_id=i.id)),
    ("setkind", lambda i: EvItemCb(action="setkind", item_id=i.id, value="other")),
    ("walk", lambda i: EvItemCb(action="walk", item_id=i.id, value="other")),
    ("delete", lambda i: EvItemCb(action="delete", item_id=i.id)),
    ("delete_yes", lambda i: EvItemCb(action="delete_yes", item_id=i.id)),
    ("unbox", lambda i: EvItemCb(action="unbox", item_id=i.id)),
    ("fetch", lambda i: EvItemCb(action="fetch", item_id=i.id)),
    ("batch_kind", lambda i: EvBatchCb(action="kind", batch=i.batch, value="other")),
    ("batch_each", lambda i: EvBatchCb(action="each", batch=i.batch)),
    ("batch_later", lambda i: EvBatchCb(action="later", batch=i.batch)),
    ("batch_move", lambda i: EvBatchCb(action="move", batch=i.batch)),
    ("batch_to", lambda i: EvBatchCb(action="to", batch=i.batch, value=str(i.case_id))),
    ("batch_ask", lambda i: EvBatchCb(action="ask", batch=i.batch)),
    ("tick", lambda i: EvTickCb(case_id=i.case_id, item="refusal_record", on=1)),
    ("unbox_answer", lambda i: EvUnboxCb(item_id=i.id, question="seal_intact", answer="no")),
    ("pending", lambda i: EvPendingCb(case_id=i.case_id)),
]


@pytest.mark.parametrize("forge", [f for _, f in FORGERIES], ids=[n for n, _ in FORGERIES])
async def test_forged_evidence_buttons_find_nothing(
    chat: LocalChat, victim: EvidenceItem, db: StoredData, settings: Settings, forge: Forge
) -> None:
    attacker = chat.as_user(6666)
    await attacker.send("/start")
    replies = await attacker.press_data(forge(victim).pack())
    shown = " ".join(r.text or "" for r in replies)
    assert any(
        message in shown
        for message in ("找不到这份证据", "找不到这个案件", "这些文件已经不在等待中", "按钮已失效")
    ), shown
    assert SECRET not in shown and "victim.mp4" not in shown
    assert all(r.chat_id in (None, 6666) for r in replies)
    assert not any(r.document for r in replies)
    item = await db.get(EvidenceItem, victim.id)
    assert item is not None
    assert (item.kind, item.description, item.unboxing_answers) == (
        "unboxing_video",
        SECRET,
        "{}",
    )
    case = await db.get(Case, victim.case_id)
    assert case is not None and "refusal_record" not in case.evidence_tally
    assert len(stored_hashes(settings, chat.user.id)) == 1


async def test_moving_my_batch_into_someone_elses_case_is_refused(
    chat: LocalChat, victim: EvidenceItem, db: StoredData
) -> None:
    attacker = chat.as_user(6666)
    await new_case(attacker)
    await attacker.send_document(b"attacker's file", "mine.pdf")
    mine = (await db.exec(select(EvidenceItem).where(EvidenceItem.user_id == 6666))).one()
    forged = EvBatchCb(action="to", batch=mine.batch, value=str(victim.case_id)).pack()
    replies = await attacker.press_data(forged)
    assert "找不到这份证据" in " ".join(r.text or "" for r in replies)
    still = await db.get(EvidenceItem, mine.id)
    assert still is not None and still.case_id == mine.case_id


async def test_waiting_files_cannot_be_put_into_someone_elses_case(
    chat: LocalChat, victim: EvidenceItem, db: StoredData
) -> None:
    attacker = chat.as_user(6666)
    await new_case(attacker)
    await attacker.press("结案")  # no open case: the next file waits for a choice
    await attacker.send_document(b"attacker's file", "mine.pdf")
    replies = await attacker.press_data(EvPendingCb(case_id=victim.case_id).pack())
    assert "找不到这个案件" in " ".join(r.text or "" for r in replies)
    rows = (await db.exec(select(EvidenceItem).where(EvidenceItem.case_id == victim.case_id))).all()
    assert [r.id for r in rows] == [victim.id]
