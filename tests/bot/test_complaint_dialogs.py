"""Complaint drafts from the case card: the questions each channel asks, the demand with its
amount, the preview, exports (.txt, form fields, condensed), versions and ownership."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.complaint_callbacks import CpCaseCb, CpDraftCb, CpVersionCb
from bot.local_chat import LocalChat
from bot.local_session import Outgoing
from shopguard.db.models import Case, ComplainantProfile, ComplaintDraft, ComplaintVersion
from tests.bot.conftest import StoredData
from tests.bot.test_evidence_intake import new_case, texts
from tests.bot.test_price_dialogs import price_case

PHONE = "13800138000"


async def set_facts(sessions: async_sessionmaker[AsyncSession], user_id: int, **facts: Any) -> int:
    """Fill the newest case of ``user_id`` with facts, as the edit dialog would; its id."""
    async with sessions() as session:
        case = (
            await session.exec(
                select(Case).where(Case.user_id == user_id).order_by(col(Case.id).desc())
            )
        ).first()
        assert case is not None and case.id is not None
        for name, value in facts.items():
            setattr(case, name, value)
        session.add(case)
        await session.commit()
        return case.id


async def counterfeit_case(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], order_no: str = "6931234567890"
) -> int:
    await new_case(chat, "抖音", "假货")
    return await set_facts(
        sessions,
        chat.user.id,
        shop_name="潮牌优选店",
        item="运动鞋",
        order_no=order_no,
        amount_fen=39800,
        ordered_at=datetime(2026, 11, 10, 4, 0, tzinfo=UTC),
        signed_at=datetime(2026, 11, 13, 8, 0, tzinfo=UTC),
    )


async def open_channel(chat: LocalChat, case_id: int, channel: str) -> list[Outgoing]:
    await chat.send("/cases")
    await chat.press_data(CpCaseCb(action="channels", case_id=case_id).pack())
    return await chat.press_data(CpCaseCb(action="open", case_id=case_id, channel=channel).pack())


def document(replies: list[Outgoing]) -> Outgoing:
    (doc,) = [r for r in replies if r.method == "sendDocument"]
    return doc


async def test_the_txt_export_holds_the_order_amount_and_demand(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await counterfeit_case(chat, sessions)
    asked = await open_channel(chat, case_id, "ticket")
    assert "你的诉求是什么" in texts(asked)
    assert "欺诈三倍赔偿（退一赔三）</b> — ¥1,592.00" in texts(asked)
    reply = await chat.press("欺诈三倍赔偿")
    assert "希望对方在什么时候之前答复" in texts(reply)
    preview = await chat.press("按建议")
    shown = texts(preview)
    assert "订单号：6931234567890" in shown
    assert "第 1 版" in shown
    doc = document(await chat.press("导出 .txt"))
    assert doc.filename == "complaint-6931234567890-ticket-20261122.txt"
    lines = (doc.document or b"").decode("utf-8").splitlines()
    assert "订单号：6931234567890" in lines
    assert "实付金额：398.00元" in lines
    assert (
        "退还货款398.00元，并依照《消费者权益保护法》第五十五条支付价款三倍的赔偿金1194.00元，"
        "合计1592.00元。"
    ) in lines
    (draft,) = (await db.exec(select(ComplaintDraft))).all()
    assert (draft.channel, draft.demand_rule) == ("ticket", "fraud_triple")
    assert draft.reply_by == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # + 72 h (douyin)


async def test_12315_asks_for_the_seller_and_the_profile_once_then_reuses_it(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await counterfeit_case(chat, sessions)
    first = await open_channel(chat, case_id, "12315")
    assert "经营者名称" in texts(first)
    assert "经营者地址" in texts(await chat.send("上海潮牌贸易有限公司"))
    assert "真实姓名" in texts(await chat.send("上海市浦东新区张江路1号"))
    assert "联系电话" in texts(await chat.send("张三"))
    bad = await chat.send("打电话给我")
    assert "电话号码格式不对" in texts(bad)
    assert "联系地址" in texts(await chat.send(PHONE))
    assert "你的诉求是什么" in texts(await chat.send("北京市朝阳区建国路88号"))
    await chat.press("退货退款")
    preview = texts(await chat.press("先不定期限"))
    assert "被投诉人名称：上海潮牌贸易有限公司" in preview
    assert f"联系电话：{PHONE}" in preview
    profile = await db.get(ComplainantProfile, chat.user.id)
    assert (profile.name, profile.phone) == ("张三", PHONE)

    # masking: the exported file hides the phone
    await chat.press("打码：关")
    masked = (document(await chat.press("导出 .txt")).document or b"").decode()
    assert "138****8000" in masked and PHONE not in masked

    # a second case: only the seller's licence is asked, never the profile again
    second = await counterfeit_case(chat, sessions, order_no="7000000000001")
    asked = texts(await open_channel(chat, second, "12315"))
    assert "经营者名称" in asked
    await chat.send("广州某某鞋业商行")
    after = texts(await chat.send("广州市白云区某路2号"))
    assert "你的诉求是什么" in after and "真实姓名" not in after


async def test_the_seller_chat_draft_never_holds_the_complainants_phone(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = await counterfeit_case(chat, sessions)
    async with sessions() as session:
        session.add(
            ComplainantProfile(
                user_id=chat.user.id,
                name="张三",
                phone=PHONE,
                address="北京市朝阳区建国路88号",
                updated_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
        await session.commit()
    await open_channel(chat, case_id, "seller")
    await chat.press("退货退款")
    preview = await chat.press("先不定期限")
    assert "您好！我是订单6931234567890的买家" in texts(preview)
    exported = await chat.press("导出 .txt")
    everything = texts(preview) + (document(exported).document or b"").decode()
    everything += texts(await chat.press("分条发送"))
    assert PHONE not in everything and "张三" not in everything


async def test_regenerating_after_the_case_changed_adds_a_version(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await counterfeit_case(chat, sessions)
    await open_channel(chat, case_id, "seller")
    await chat.press("欺诈三倍赔偿")
    await chat.press("先不定期限")
    same = await chat.press("重新生成")
    assert "第 1 版" in texts(same)  # nothing changed: no new version
    await set_facts(sessions, chat.user.id, item="限量版运动鞋")
    again = await chat.press("重新生成")
    assert "第 2 版" in texts(again) and "限量版运动鞋" in texts(again)
    versions = (
        await db.exec(select(ComplaintVersion).order_by(col(ComplaintVersion.number)))
    ).all()
    assert [v.number for v in versions] == [1, 2]
    assert "“运动鞋”" in versions[0].text and "限量版运动鞋" in versions[1].text
    listed = await chat.press("历史版本（2）")
    assert "第 2 版" in texts(listed) and "第 1 版" in texts(listed)
    resent = texts(await chat.press("重发第 1 版"))
    assert "📤 第 1 版" in resent and "“运动鞋”" in resent


async def test_own_wording_and_an_asked_amount(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = await counterfeit_case(chat, sessions)
    await set_facts(sessions, chat.user.id, problem_type="quality_defect")
    await open_channel(chat, case_id, "seller")
    ask = await chat.press("部分退款")
    assert "希望商家退多少钱" in texts(ask)
    too_much = await chat.send("500")
    assert "金额要大于 0，最多 ¥397.99" in texts(too_much)
    await chat.send("100")
    preview = texts(await chat.send("11月30日"))
    assert "希望店铺部分退款100.00元，商品我方保留。" in preview
    assert "请于2026年11月30日24时前答复，谢谢！" in preview
    await chat.press("改诉求文字")
    edited = texts(await chat.send("请补偿我100元并补发配件"))
    assert "希望店铺请补偿我100元并补发配件。" in edited
    await chat.press("改问题描述")
    own = texts(await chat.send("鞋底开胶了"))
    assert "鞋底开胶了，经过如下：" in own


async def test_the_12315_form_fields_are_copy_ready_blocks(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = await counterfeit_case(chat, sessions)
    await set_facts(
        sessions,
        chat.user.id,
        seller_business_name="上海潮牌贸易有限公司",
        seller_address="上海市浦东新区张江路1号",
    )
    async with sessions() as session:
        session.add(
            ComplainantProfile(
                user_id=chat.user.id,
                name="张三",
                phone=PHONE,
                address="北京市朝阳区建国路88号",
                updated_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
        await session.commit()
    await open_channel(chat, case_id, "12315")
    await chat.press("退货退款")
    await chat.press("先不定期限")
    blocks = [r.text or "" for r in await chat.press("逐项复制") if r.method == "sendMessage"]
    assert "<b>【被投诉人名称】</b>\n上海潮牌贸易有限公司" in blocks
    assert "<b>【订单号】</b>\n6931234567890" in blocks


@pytest.mark.parametrize(
    "forge",
    [
        lambda case_id, draft_id, version_id: CpCaseCb(action="channels", case_id=case_id),
        lambda case_id, draft_id, version_id: CpCaseCb(
            action="open", case_id=case_id, channel="seller"
        ),
        lambda case_id, draft_id, version_id: CpDraftCb(action="txt", draft_id=draft_id),
        lambda case_id, draft_id, version_id: CpDraftCb(action="versions", draft_id=draft_id),
        lambda case_id, draft_id, version_id: CpDraftCb(
            action="demand", draft_id=draft_id, value="refund_nonconforming"
        ),
        lambda case_id, draft_id, version_id: CpDraftCb(
            action="edit", draft_id=draft_id, value="problem"
        ),
        lambda case_id, draft_id, version_id: CpVersionCb(version_id=version_id),
    ],
    ids=["channels", "open", "txt", "versions", "demand", "edit", "version"],
)
async def test_forged_complaint_buttons_find_nothing(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData, forge: Any
) -> None:
    case_id = await counterfeit_case(chat, sessions)
    await open_channel(chat, case_id, "seller")
    await chat.press("欺诈三倍赔偿")
    await chat.press("先不定期限")
    (draft,) = (await db.exec(select(ComplaintDraft))).all()
    (version,) = (await db.exec(select(ComplaintVersion))).all()
    attacker = chat.as_user(6666)
    await attacker.send("/start")
    replies = await attacker.press_data(forge(case_id, draft.id, version.id).pack())
    shown = texts(replies)
    assert "找不到这个案件" in shown or "找不到这份投诉草稿" in shown, shown
    assert "6931234567890" not in shown
    assert not [r for r in replies if r.method == "sendDocument"]
    assert len((await db.exec(select(ComplaintDraft))).all()) == 1


async def test_a_price_drop_complaint_claims_the_difference_from_the_lowest_price_reported(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = await price_case(chat, sessions)  # 2 × 99.00 paid
    await chat.send("/price 89")
    await chat.send("/price 79")
    asked = texts(await open_channel(chat, case_id, "seller"))
    assert "价保退差价</b> — ¥40.00" in asked
    await chat.press("价保退差价")
    preview = texts(await chat.press("按建议"))
    assert "按价保承诺退还差价40.00元" in preview
