"""Evidence services on a real database (SQLite and PostgreSQL) and a real file store.

Each step runs in its own committed transaction, like an update does, because files follow
the transaction: they are removed only after a commit and kept after a rollback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.cases import delete_case, open_case, set_status
from shopguard.clock import FixedClock
from shopguard.db.models import Case, EvidenceItem, User
from shopguard.errors import InputError, NotFound
from shopguard.evidence import adding, services
from shopguard.evidence.cleanup import attach_store
from shopguard.evidence.kinds import Media
from shopguard.evidence.limits import MB, EvidenceLimits
from shopguard.evidence.source import BytesSource, FileUnavailable, IncomingFile
from shopguard.evidence.store import EvidenceStore
from shopguard.privacy import delete_user_data
from shopguard.taxonomy import CaseStatus
from shopguard.users import ensure_user
from tests.conftest import recorded
from tests.evidence_samples import jpeg_with_exif, mp4_with_times, pdf_bytes, plain_jpeg

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)

SHOPPER, OTHER = 501, 502
TZ = "Asia/Shanghai"
T = TypeVar("T")


class Env:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], store: EvidenceStore, clock: FixedClock
    ) -> None:
        self.sessions, self.store, self.clock = sessions, store, clock
        self.limits = EvidenceLimits(max_file_bytes=10 * MB, quota_bytes=50 * MB)

    @asynccontextmanager
    async def update(self) -> AsyncIterator[AsyncSession]:
        """A session handled like the bot's database middleware handles one update: committed
        at the end, rolled back on an error (a service may commit early before a download)."""
        async with self.sessions() as session:
            attach_store(session, self.store)
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def run(self, step: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One update's worth of work, with the store attached."""
        async with self.update() as session:
            return await step(session)

    async def case(self, user_id: int = SHOPPER, problem: str = "not_as_described") -> int:
        async def step(s: AsyncSession) -> int:
            await ensure_user(s, user_id, self.clock())
            case = await open_case(s, user_id, self.clock(), problem_type=problem)
            assert case.id is not None
            return case.id

        return await self.run(step)

    async def add(
        self,
        case_id: int,
        data: bytes,
        *,
        user_id: int = SHOPPER,
        media: Media = Media.DOCUMENT,
        name: str | None = "file.bin",
        unique: str | None = None,
        size: int | None = None,
        source: Any = None,
        batch: str | None = None,
        caption: str | None = None,
    ) -> services.AddResult:
        incoming = IncomingFile(
            media,
            file_id=f"id-{hashlib.md5(data).hexdigest()}",
            file_unique_id=unique or hashlib.sha1(data).hexdigest()[:20],
            file_name=name,
            size=len(data) if size is None else size,
            caption=caption,
        )
        return await self.run(
            lambda s: services.add_evidence(
                s,
                self.store,
                self.limits,
                user_id=user_id,
                case_id=case_id,
                incoming=incoming,
                source=source or BytesSource(data),
                now=self.clock(),
                tz=TZ,
                batch=batch,
            )
        )

    def files(self, user_id: int = SHOPPER) -> set[str]:
        return self.store.stored_hashes(user_id)


@pytest.fixture
async def env(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, clock: FixedClock
) -> AsyncIterator[Env]:
    yield Env(sessions, EvidenceStore(tmp_path / "evidence"), clock)


class NeverRead:
    """A source that fails the test if anything tries to download it."""

    async def chunks(self) -> AsyncIterator[bytes]:
        raise AssertionError("this file must not be downloaded")
        yield b""  # pragma: no cover


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_a_batch_of_five_files_is_numbered_hashed_and_stored(env: Env) -> None:
    case_id = await env.case()
    photos = [jpeg_with_exif(colour=(i * 60, 10, 10)) for i in range(3)]
    video = mp4_with_times(datetime(2026, 11, 21, 2, 0, tzinfo=UTC), 42.0, padding=2048)
    pdf = pdf_bytes()
    sent = [(p, Media.PHOTO, None) for p in photos]
    sent += [(video, Media.VIDEO, "unboxing.mp4"), (pdf, Media.DOCUMENT, "report.pdf")]
    for data, media, name in sent:
        result = await env.add(case_id, data, media=media, name=name, batch="b1")
        assert not result.duplicate

    items = await env.run(lambda s: services.batch_items(s, SHOPPER, "b1"))
    kinds = ["product_photo", "product_photo", "label_photo", "unboxing_video", "inspection_report"]
    for item, kind in zip(items, kinds, strict=True):
        assert item.id is not None
        await env.run(lambda s, i=item.id, k=kind: services.set_kind(s, SHOPPER, i, k, env.clock()))

    _, numbered = await env.run(lambda s: services.case_items(s, SHOPPER, case_id))
    assert [n for n, _ in numbered] == [1, 2, 3, 4, 5]
    # citation order: the unboxing video before the photos, the report last
    assert [i.kind for _, i in numbered] == [
        "unboxing_video", "product_photo", "product_photo", "label_photo", "inspection_report"
    ]  # fmt: skip
    assert {i.sha256 for _, i in numbered} == {sha(d) for d, _, _ in sent}
    assert env.files() == {sha(d) for d, _, _ in sent}
    for _, item in numbered:
        assert item.sha256 is not None
        assert env.store.path(SHOPPER, item.sha256).read_bytes() in {d for d, _, _ in sent}
    video_item = numbered[0][1]
    assert video_item.original_at == datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    assert video_item.duration_s == 42 and video_item.original_source == "container"
    report = await env.run(lambda s: services.checklist(s, SHOPPER, case_id))
    assert report.completeness.required_covered == 2  # unboxing video, difference photos


async def test_a_caption_is_stored_without_control_characters(env: Env) -> None:
    """PostgreSQL cannot store a NUL; none of these belongs in a description anyway."""
    case_id = await env.case()
    added = await env.add(case_id, pdf_bytes(), caption=" 盒子\x00压坏了\x1b[0m\u200b \n")
    assert added.item.description == "盒子压坏了[0m"


async def test_exif_time_is_read_from_a_jpeg_sent_as_a_file(env: Env) -> None:
    case_id = await env.case()
    data = jpeg_with_exif("2026:11:20 21:15:03", offset=None)
    item = (await env.add(case_id, data, name="IMG_0001.JPG")).item
    assert item.original_at == datetime(2026, 11, 20, 13, 15, 3, tzinfo=UTC)  # Shanghai time
    assert item.camera == "Xiaomi Redmi K70"
    assert item.received_at == env.clock()


async def test_the_same_file_twice_is_recognised(env: Env) -> None:
    case_id = await env.case()
    first = await env.add(case_id, plain_jpeg(), unique="U1")
    again = await env.add(case_id, plain_jpeg(), unique="U1", source=NeverRead())
    assert again.duplicate and again.item.id == first.item.id
    same_bytes = await env.add(case_id, plain_jpeg(), unique="U2-forwarded")
    assert same_bytes.duplicate and same_bytes.item.id == first.item.id
    rows = await env.run(lambda s: services.case_items(s, SHOPPER, case_id))
    assert len(rows[1]) == 1
    assert env.files() == {sha(plain_jpeg())}


async def test_same_content_in_two_cases_is_two_items_one_file(env: Env) -> None:
    one, two = await env.case(), await env.case()
    a = await env.add(one, pdf_bytes())
    b = await env.add(two, pdf_bytes())
    assert not b.duplicate and a.item.sha256 == b.item.sha256
    assert env.files() == {sha(pdf_bytes())}


async def test_a_file_over_the_download_limit_is_kept_by_reference(env: Env) -> None:
    case_id = await env.case()
    result = await env.add(
        case_id, b"head", media=Media.VIDEO, name="big.mp4", size=25 * MB, source=NeverRead()
    )
    item = result.item
    assert (item.sha256, item.not_stored_reason, item.size) == (None, "download_limit", 25 * MB)
    assert item.file_id.startswith("id-")
    assert env.files() == set()


async def test_a_file_of_unknown_size_that_turns_out_too_big_is_kept_by_reference(
    env: Env,
) -> None:
    env.limits = EvidenceLimits(max_file_bytes=1000, quota_bytes=MB, download_limit_bytes=0)
    case_id = await env.case()
    announced = (await env.add(case_id, b"x" * 5000, source=NeverRead())).item
    assert (announced.sha256, announced.not_stored_reason) == (None, "file_cap")
    unknown = IncomingFile(Media.DOCUMENT, "fid", "uid", "a.bin", size=None)
    result = await env.run(
        lambda s: services.add_evidence(
            s, env.store, env.limits, user_id=SHOPPER, case_id=case_id, incoming=unknown,
            source=BytesSource(b"y" * 5000), now=env.clock(), tz=TZ,
        )
    )  # fmt: skip
    assert (result.item.sha256, result.item.not_stored_reason) == (None, "file_cap")
    temp = env.store.root / "tmp"
    assert env.files() == set() and not (temp.exists() and list(temp.iterdir()))


async def test_quota_keeps_the_file_by_reference_until_space_is_freed(env: Env) -> None:
    env.limits = EvidenceLimits(max_file_bytes=MB, quota_bytes=1500)
    case_id = await env.case()
    first = (await env.add(case_id, b"a" * 1000)).item
    second = (await env.add(case_id, b"b" * 1000)).item
    assert (second.sha256, second.not_stored_reason) == (None, "quota")
    assert await env.run(lambda s: services.storage_used(s, SHOPPER)) == 1000
    assert first.id is not None and second.id is not None
    await env.run(lambda s: services.delete_item(s, SHOPPER, first.id))  # type: ignore[arg-type]
    again = await env.run(
        lambda s: services.refetch(
            s, env.store, env.limits, user_id=SHOPPER, item_id=second.id,  # type: ignore[arg-type]
            source=BytesSource(b"b" * 1000), now=env.clock(), tz=TZ,
        )
    )  # fmt: skip
    assert (again.sha256, again.not_stored_reason) == (sha(b"b" * 1000), None)
    assert env.files() == {sha(b"b" * 1000)}


async def test_a_failed_download_is_kept_by_reference_to_retry(env: Env) -> None:
    class Failing:
        async def chunks(self) -> AsyncIterator[bytes]:
            yield b"part"
            raise FileUnavailable("unavailable")

    case_id = await env.case()
    item = (await env.add(case_id, b"whole", source=Failing())).item
    assert (item.sha256, item.not_stored_reason) == (None, "unavailable")


async def test_an_empty_file_is_refused_and_nothing_is_saved(env: Env) -> None:
    case_id = await env.case()
    with pytest.raises(InputError) as err:
        await env.add(case_id, b"", size=0)
    assert err.value.code == "evidence_empty"
    with pytest.raises(InputError):
        await env.add(case_id, b"", size=None)
    _, items = await env.run(lambda s: services.case_items(s, SHOPPER, case_id))
    assert items == []


async def test_deleting_an_item_removes_its_file_only_after_commit(env: Env) -> None:
    case_id = await env.case()
    item = (await env.add(case_id, pdf_bytes())).item
    assert item.id is not None

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with env.update() as s:
            await services.delete_item(s, SHOPPER, item.id)
            assert env.files() == {sha(pdf_bytes())}  # not before the commit
            raise Boom()
    assert env.files() == {sha(pdf_bytes())}  # rolled back: row and file both stay
    await env.run(lambda s: services.delete_item(s, SHOPPER, item.id))  # type: ignore[arg-type]
    assert env.files() == set()


async def test_a_file_written_by_a_transaction_that_rolls_back_is_removed(env: Env) -> None:
    case_id = await env.case()

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with env.update() as s:
            incoming = IncomingFile(Media.DOCUMENT, "f", "u", "x.pdf", size=None)
            await services.add_evidence(
                s, env.store, env.limits, user_id=SHOPPER, case_id=case_id, incoming=incoming,
                source=BytesSource(pdf_bytes()), now=env.clock(), tz=TZ,
            )  # fmt: skip
            assert env.files() == {sha(pdf_bytes())}
            raise Boom()
    assert env.files() == set()


async def test_a_file_is_removed_when_the_update_fails_right_after_the_download(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The download commits what came before it; if the update then fails before another
    statement (here: reading the photo's metadata), the new file still goes."""
    case_id = await env.case()

    class Boom(Exception):
        pass

    def broken(*_: object) -> None:
        raise Boom()

    monkeypatch.setattr(adding, "read_facts", broken)
    with pytest.raises(Boom):
        async with env.update() as s:
            incoming = IncomingFile(Media.DOCUMENT, "f", "u", "IMG.JPG", "image/jpeg", size=None)
            await services.add_evidence(
                s, env.store, env.limits, user_id=SHOPPER, case_id=case_id, incoming=incoming,
                source=BytesSource(jpeg_with_exif()), now=env.clock(), tz=TZ,
            )  # fmt: skip
    assert env.files() == set()
    _, stored = await env.run(lambda s: services.case_items(s, SHOPPER, case_id))
    assert stored == []


async def test_deleting_a_case_keeps_content_another_case_still_holds(env: Env) -> None:
    one, two = await env.case(), await env.case()
    shared, only_one = pdf_bytes("shared"), pdf_bytes("only in case one")
    await env.add(one, shared)
    await env.add(one, only_one)
    await env.add(two, shared)
    await env.run(lambda s: delete_case(s, SHOPPER, one))
    assert env.files() == {sha(shared)}
    await env.run(lambda s: delete_case(s, SHOPPER, two))
    assert env.files() == set()
    rows = await env.run(lambda s: s.exec(select(EvidenceItem)))
    assert list(rows) == []


async def test_deleting_all_my_data_removes_my_files_not_anyone_elses(env: Env) -> None:
    mine, theirs = await env.case(SHOPPER), await env.case(OTHER)
    await env.add(mine, pdf_bytes())
    await env.add(theirs, pdf_bytes(), user_id=OTHER)
    await env.run(lambda s: delete_user_data(s, SHOPPER))
    assert not env.store.user_dir(SHOPPER).exists()
    assert env.files(OTHER) == {sha(pdf_bytes())}
    rows = await env.run(lambda s: s.exec(select(EvidenceItem.user_id)))
    assert list(rows) == [OTHER]


async def test_another_users_evidence_is_not_found(env: Env) -> None:
    mine = await env.case(SHOPPER)
    theirs = await env.case(OTHER)
    item = (await env.add(theirs, pdf_bytes(), user_id=OTHER, batch="theirs")).item
    assert item.id is not None
    item_id, now = item.id, env.clock()
    attempts: list[Callable[[AsyncSession], Awaitable[object]]] = [
        lambda s: services.get_item(s, SHOPPER, item_id),
        lambda s: services.locate(s, SHOPPER, item_id),
        lambda s: services.set_kind(s, SHOPPER, item_id, "other", now),
        lambda s: services.set_description(s, SHOPPER, item_id, "mine now", now),
        lambda s: services.delete_item(s, SHOPPER, item_id),
        lambda s: services.answer_unboxing(s, SHOPPER, item_id, "seal_intact", "no", now),
        lambda s: services.case_items(s, SHOPPER, theirs),
        lambda s: services.checklist(s, SHOPPER, theirs),
        lambda s: services.set_tick(s, SHOPPER, theirs, "order_page", True, now),
        lambda s: services.classify_batch(s, SHOPPER, "theirs", "other", now),
        lambda s: services.move_batch(s, SHOPPER, "theirs", mine, now),
        lambda s: services.set_active_case(s, SHOPPER, theirs),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            await env.run(attempt)
    with pytest.raises(NotFound):
        await env.add(theirs, b"sneaky", user_id=SHOPPER)
    untouched = await env.run(lambda s: services.get_item(s, OTHER, item_id))
    assert (untouched.kind, untouched.description) == (None, "")
    assert env.files(OTHER) == {sha(pdf_bytes())}


async def test_kinds_descriptions_and_ticks_update_the_cases_tally(env: Env) -> None:
    case_id = await env.case(problem="counterfeit")
    item = (await env.add(case_id, pdf_bytes(), caption="  正品承诺截图  ")).item
    assert item.description == "正品承诺截图" and item.id is not None
    now = env.clock()
    await env.run(lambda s: services.set_kind(s, SHOPPER, item.id, "order_page", now))  # type: ignore[arg-type]
    await env.run(lambda s: services.set_tick(s, SHOPPER, case_id, "label_serial", True, now))
    case = await env.run(lambda s: s.get(Case, case_id))
    assert case is not None
    assert '"order_page": 1' in case.evidence_tally and "label_serial" in case.evidence_tally
    report = await env.run(lambda s: services.checklist(s, SHOPPER, case_id))
    assert report.completeness.required_covered == 2
    await env.run(lambda s: services.set_tick(s, SHOPPER, case_id, "label_serial", False, now))
    report = await env.run(lambda s: services.checklist(s, SHOPPER, case_id))
    assert report.completeness.required_covered == 1
    with pytest.raises(InputError):
        await env.run(lambda s: services.set_tick(s, SHOPPER, case_id, "not_an_item", True, now))
    with pytest.raises(InputError):
        await env.run(lambda s: services.set_kind(s, SHOPPER, item.id, "selfie", now))  # type: ignore[arg-type]
    with pytest.raises(InputError):
        await env.run(lambda s: services.set_description(s, SHOPPER, item.id, "x" * 1001, now))  # type: ignore[arg-type]


async def test_a_file_added_is_counted_in_the_tally_as_a_rebuild_would(env: Env) -> None:
    case_id = await env.case(problem="counterfeit")
    first = (await env.add(case_id, pdf_bytes())).item
    now = env.clock()
    await env.run(lambda s: services.set_kind(s, SHOPPER, first.id, "order_page", now))  # type: ignore[arg-type]
    await env.run(lambda s: services.set_tick(s, SHOPPER, case_id, "label_serial", True, now))
    await env.add(case_id, b"second file")
    await env.add(case_id, b"third file")

    async def tallies(s: AsyncSession) -> tuple[str, str]:
        case = await s.get(Case, case_id)
        assert case is not None
        counted = case.evidence_tally
        await services.refresh_tally(s, case)
        return counted, case.evidence_tally

    counted, rebuilt = await env.run(tallies)
    assert counted == rebuilt
    assert json.loads(counted) == {
        "kinds": {"order_page": 1},
        "unclassified": 2,
        "ticked": ["label_serial"],
    }


async def test_the_active_case_is_the_newest_open_one_until_closed(env: Env) -> None:
    first = await env.case()
    assert (await env.run(lambda s: services.active_case(s, SHOPPER))).id == first  # type: ignore[union-attr]
    second = await env.case()
    assert (await env.run(lambda s: services.active_case(s, SHOPPER))).id == second  # type: ignore[union-attr]
    now = env.clock() + timedelta(hours=1)
    await env.run(lambda s: set_status(s, SHOPPER, second, CaseStatus.CLOSED, now))
    assert await env.run(lambda s: services.active_case(s, SHOPPER)) is None
    await env.run(lambda s: services.set_active_case(s, SHOPPER, first))
    await env.run(lambda s: delete_case(s, SHOPPER, first))
    assert await env.run(lambda s: services.active_case(s, SHOPPER)) is None
    user = await env.run(lambda s: s.get(User, SHOPPER))
    assert user is not None and user.active_case_id == first  # stale, and ignored


async def test_the_shopper_and_their_active_case_are_read_in_one_statement(
    env: Env, engine: AsyncEngine
) -> None:
    case_id = await env.case()

    async def shopper_and_case(s: AsyncSession) -> Case | None:
        await ensure_user(s, SHOPPER, env.clock())
        return await services.active_case(s, SHOPPER)

    with recorded(engine) as statements:
        case = await env.run(shopper_and_case)
    assert case is not None and case.id == case_id
    assert len(statements) == 1, statements

    # another shopper's case named as theirs is never loaded with them, nor used
    theirs = await env.case(user_id=OTHER)

    async def forge(s: AsyncSession) -> None:
        user = await s.get(User, SHOPPER)
        assert user is not None
        user.active_case_id = theirs
        s.add(user)

    await env.run(forge)

    async def loaded_with_them(s: AsyncSession) -> list[Case]:
        await ensure_user(s, SHOPPER, env.clock())
        return [o for o in s.sync_session.identity_map.values() if isinstance(o, Case)]

    assert await env.run(loaded_with_them) == []
    assert await env.run(shopper_and_case) is None


async def test_the_first_file_of_a_new_case_is_counted_without_reading_the_rows(
    env: Env, engine: AsyncEngine
) -> None:
    case_id = await env.case()
    with recorded(engine) as statements:
        await env.add(case_id, pdf_bytes())
    assert not [s for s in statements if "GROUP BY evidence_items.kind" in s], statements
    case = await env.run(lambda s: s.get(Case, case_id))
    assert case is not None
    assert json.loads(case.evidence_tally) == {"kinds": {}, "unclassified": 1, "ticked": []}


async def test_moving_a_batch_skips_files_the_target_already_has(env: Env) -> None:
    one, two = await env.case(), await env.case()
    await env.add(two, pdf_bytes("already there"))
    await env.add(one, pdf_bytes("already there"), batch="b")
    await env.add(one, pdf_bytes("new"), batch="b")
    target, moved, doubles = await env.run(
        lambda s: services.move_batch(s, SHOPPER, "b", two, env.clock())
    )
    assert target.id == two and len(moved) == 1 and len(doubles) == 1
    _, in_one = await env.run(lambda s: services.case_items(s, SHOPPER, one))
    _, in_two = await env.run(lambda s: services.case_items(s, SHOPPER, two))
    assert (len(in_one), len(in_two)) == (0, 2)
    assert env.files() == {sha(pdf_bytes("already there")), sha(pdf_bytes("new"))}
