"""A case's evidence list and each item: view, describe, re-classify, delete; the checklist with
ticks; the unboxing guide and check; deleting a case or all data takes the files with it."""

from __future__ import annotations

from sqlmodel import col, select

from bot.local_chat import LocalChat
from shopguard.db.models import EvidenceItem
from shopguard.settings import Settings
from tests.bot.conftest import StoredData
from tests.bot.test_evidence_intake import FILMED, new_case, sha, stored_hashes, texts
from tests.evidence_samples import jpeg_with_exif, mp4_with_times, pdf_bytes, plain_jpeg


async def items(db: StoredData) -> list[EvidenceItem]:
    return (await db.exec(select(EvidenceItem).order_by(col(EvidenceItem.id)))).all()


async def test_item_detail_shows_exif_time_receipt_time_hash_and_flags(chat: LocalChat) -> None:
    await new_case(chat)
    await chat.send_document(
        jpeg_with_exif("2026:12:01 09:30:00", offset=None), "IMG_9.JPG", caption="商品页截图"
    )
    await chat.press("订单页")
    await chat.press("证据列表")
    detail = texts(await chat.press("证据1"))
    assert "<b>证据1 · 订单页/交易快照</b>（案件 1）" in detail
    assert "说明：商品页截图" in detail
    assert "原始时间：2026-12-01 09:30（EXIF 拍摄时间 · Xiaomi Redmi K70）" in detail
    assert "收到时间：2026-11-22 18:00" in detail
    assert "SHA-256：<code>" in detail
    assert "原始时间晚于收到时间" in detail  # flagged, not refused


async def test_a_compressed_photo_is_flagged_and_the_bot_explains_how_to_send_originals(
    chat: LocalChat,
) -> None:
    await new_case(chat)
    arrived = texts(await chat.send_photo(plain_jpeg()))
    assert "以“文件”方式再发一次：点 📎 → 文件" in arrived
    await chat.press("商品照片")
    await chat.press("证据列表")
    detail = texts(await chat.press("证据1"))
    assert "Telegram 已压缩并去掉拍摄时间等元数据" in detail


async def test_view_resends_the_file_the_way_it_was_sent(chat: LocalChat) -> None:
    await new_case(chat)
    video = mp4_with_times(FILMED, 12)
    await chat.send_video(video, "unboxing.mp4", caption="开箱")
    await chat.press("开箱视频")
    await chat.press("稍后再说")  # the unboxing check can wait
    await chat.press("证据列表")
    await chat.press("证据1")
    sent = [r for r in await chat.press("查看") if r.method == "sendVideo"]
    assert len(sent) == 1 and sent[0].document == video
    assert "证据1（案件 1）· 开箱视频" in (sent[0].text or "") and "开箱" in (sent[0].text or "")


async def test_description_can_be_edited_with_a_specific_message_for_bad_input(
    chat: LocalChat, db: StoredData
) -> None:
    await new_case(chat)
    await chat.send_document(pdf_bytes(), "a.pdf")
    await chat.press("稍后")
    await chat.press("证据列表")
    await chat.press("证据1")
    asked = texts(await chat.press("说明"))
    assert "证据1证明了什么" in asked and "当前：（未填写）" in asked
    too_long = texts(await chat.send("长" * 1001))
    assert "太长了（1001字），最多 1000 字" in too_long and "请重新输入" in too_long
    saved = texts(await chat.send("商家承诺7天无理由退货"))
    assert "说明已保存" in saved and "说明：商家承诺7天无理由退货" in saved
    (item,) = await items(db)
    assert item.description == "商家承诺7天无理由退货"
    after = await chat.send("这句话不是说明")  # the dialog has ended: free text goes to intake
    assert "说明已保存" not in texts(after)


async def test_kind_can_be_changed_and_the_completeness_follows(chat: LocalChat) -> None:
    await new_case(chat, "抖音", "疑似假货")
    await chat.send_document(jpeg_with_exif(), "label.jpg")
    first = texts(await chat.press("商品照片"))
    assert "必备 1/3（33%）" in first
    await chat.press("证据列表")
    await chat.press("证据1")
    await chat.press("类型")
    changed = texts(await chat.press("标签/序列号"))
    assert "<b>证据1 · 标签/序列号</b>" in changed
    card = texts(await chat.press_data("c:open:1"))
    assert "证据：1 份 · 必备 1/3（33%） · 建议 0/1" in card


async def test_deleting_an_item_removes_its_stored_file(
    chat: LocalChat, db: StoredData, settings: Settings
) -> None:
    await new_case(chat)
    await chat.send_document(pdf_bytes("keep"), "keep.pdf")
    await chat.press("订单页")
    await chat.send_document(pdf_bytes("drop"), "drop.pdf")
    await chat.press("其他")
    await chat.press("证据列表")
    await chat.press("证据2")
    confirm = texts(await chat.press("删除证据"))
    assert "确定删除证据2吗" in confirm
    listing = texts(await chat.press("确认删除"))
    assert "共 1 份" in listing
    assert [i.file_name for i in await items(db)] == ["keep.pdf"]
    assert stored_hashes(settings, chat.user.id) == {sha(pdf_bytes("keep"))}


async def test_deleting_the_case_removes_files_no_other_case_holds(
    chat: LocalChat, db: StoredData, settings: Settings
) -> None:
    await new_case(chat)
    await chat.send_document(pdf_bytes("shared"), "shared.pdf")
    await chat.send_document(pdf_bytes("only one"), "one.pdf")
    await new_case(chat, "京东", "质量问题")
    await chat.send_document(pdf_bytes("shared"), "shared-again.pdf")
    assert len(stored_hashes(settings, chat.user.id)) == 2
    await chat.press_data("c:delete:1")
    await chat.press("确认删除")
    assert stored_hashes(settings, chat.user.id) == {sha(pdf_bytes("shared"))}
    assert [i.file_name for i in await items(db)] == ["shared-again.pdf"]


async def test_deleting_all_my_data_removes_my_evidence_files(
    chat: LocalChat, settings: Settings
) -> None:
    await new_case(chat)
    await chat.send_document(pdf_bytes(), "a.pdf")
    await chat.send_photo(plain_jpeg())
    assert len(stored_hashes(settings, chat.user.id)) == 2
    await chat.send("/privacy")
    await chat.press("删除我的全部数据")
    await chat.press("确认全部删除")
    assert not (settings.data_dir / "evidence" / "users" / str(chat.user.id)).exists()


async def test_the_privacy_export_lists_my_evidence(chat: LocalChat) -> None:
    import json

    await new_case(chat)
    await chat.send_document(pdf_bytes(), "a.pdf", caption="付款记录")
    await chat.send("/privacy")
    exported = [r for r in await chat.press("导出我的全部数据") if r.document]
    data = json.loads(exported[0].document or b"{}")
    assert [(e["file_name"], e["description"]) for e in data["evidence"]] == [("a.pdf", "付款记录")]


async def test_checklist_shows_coverage_and_items_held_offline_can_be_ticked(
    chat: LocalChat,
) -> None:
    await new_case(chat, "抖音", "食品安全")
    await chat.send_document(pdf_bytes(), "order.pdf")
    await chat.press("订单页")
    shown = texts(await chat.press("证据清单"))
    assert "✅ 购买凭证（订单或付款） — 证据1" in shown
    assert "⬜ 食品实物照片" in shown and "⬜ 批次、生产日期、保质期照片" in shown
    assert "证据完整度：必备 1/3（33%） · 建议 0/1" in shown
    assert "可信度：中" in shown
    ticked = texts(await chat.press("线下已有：批次"))
    assert "☑️ 批次、生产日期、保质期照片 — 线下已有（手动勾选）" in ticked
    assert "必备 2/3（66%）" in ticked
    unticked = texts(await chat.press("取消勾选：批次"))
    assert "必备 1/3（33%）" in unticked


async def test_unboxing_guide_and_the_check_stored_with_the_video(
    chat: LocalChat, db: StoredData
) -> None:
    guide = texts(await chat.send("/unboxing"))
    assert "开箱前" in guide and "运单号清晰可读" in guide and "一镜到底" in guide
    assert "可信度：低" in guide
    await new_case(chat, "抖音", "少发/错发")
    card_buttons = [label for label, _ in chat.buttons()]
    assert "🎬 开箱指引" in card_buttons  # on cases where it matters
    await chat.send_video(mp4_with_times(FILMED, 95), "open.mp4")
    asked = texts(await chat.press("开箱视频"))
    assert "开箱视频自查（1/5）" in asked and "运单号清晰可读吗" in asked
    for answer in ("是", "否", "是", "不适用"):
        await chat.press(answer)
    result = texts(await chat.press("否"))
    assert "薄弱点" in result and "没拍到封条完好" in result and "包装没有保留" in result
    (item,) = await items(db)
    assert '"seal_intact": "no"' in item.unboxing_answers
    assert '"defect_closeup": "na"' in item.unboxing_answers
    checklist = texts(await chat.press("证据清单"))
    assert "🎬 证据1 开箱视频的薄弱点" in checklist and "没拍到封条完好" in checklist


async def test_the_unboxing_check_can_be_stopped_and_resumed(chat: LocalChat) -> None:
    await new_case(chat, "抖音", "运输破损")
    await chat.send_video(mp4_with_times(FILMED, 10), "v.mp4")
    await chat.press("开箱视频")
    await chat.press("是")
    stopped = texts(await chat.press("稍后再说"))
    assert "开箱自查”继续" in stopped
    await chat.press("证据列表")
    detail = texts(await chat.press("证据1"))
    assert "开箱视频还没做自查" in detail
    resumed = texts(await chat.press("开箱自查"))
    assert "（2/5）" in resumed  # carries on where it stopped


async def test_evidence_command_opens_the_current_cases_list(chat: LocalChat) -> None:
    await new_case(chat)
    await chat.send_document(pdf_bytes(), "a.pdf")
    listing = texts(await chat.send("/evidence"))
    assert "案件 1 · 抖音 · 与描述不符" in listing and "共 1 份" in listing
