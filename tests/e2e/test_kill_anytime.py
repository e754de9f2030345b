"""``kill -9`` at any moment of a scripted session: nothing a shopper was told is saved is lost.

Two shoppers follow a script drawn from a seeded generator — open a case, send a photo and a
document, set a reminder, open another case, more evidence … — while the bot is SIGKILLed at
moments drawn from the same generator and restarted on the same DATA_DIR. Some kills come while
Telegram is slow: it holds the bot's getFile (the kill lands mid-upload) or one of its replies
(the kill lands while the reply is on its way; the shopper still gets it). A step whose
confirmation did not arrive is sent again after the restart, as a shopper would do.

After every kill (while the bot is down, once the dead process's last replies have landed) and
at the end, everything a confirmation in the chat speaks of must be stored: the case, the
evidence row with its file in the store (the bytes hashing to the stored sha256), the pending
reminder. And nothing is stored more often than the shopper sent it.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.e2e.conftest import BotProcess
from tests.evidence_samples import pdf_bytes, plain_jpeg
from tests.fakebotapi import FakeBotAPI, SentCall

pytestmark = pytest.mark.e2e

SEEDS = (20261101, 20261102)
SHOPPERS = (771001, 771002)
CASES = 3  # per shopper, each followed by a photo, a document and a reminder
KILLS = 4  # per seed: each restart costs the bot's start-up (seconds)
REPLY_TIMEOUT = 20.0  # seconds for a reply while the bot stays up (it may be starting)
GRACE = 1.0  # after a restart: time for a redelivered update to be answered before re-sending
FILE_HOLD = 2.0  # seconds Telegram holds a getFile when the kill is meant to land mid-upload
REPLY_HOLD = 1.2  # seconds Telegram holds a reply when the kill is meant to land meanwhile

PLATFORMS = [("京东", "jd"), ("抖音", "douyin"), ("拼多多", "pinduoduo"), ("快手", "kuaishou")]
PROBLEMS = [
    ("质量问题", "quality_defect"),
    ("疑似假货", "counterfeit"),
    ("运输破损", "damaged_in_transit"),
    ("与描述不符", "not_as_described"),
]
TAG_LETTERS = "BCFGJKLPQRSTVXZ"  # no vowels or unit letters: a tag never reads as a moment
SHOWN = ("sendMessage", "editMessageText")
CASE_CONFIRMED = re.compile(r"案件 (\d+) (?:已创建|· 进行中)")
SAVED = re.compile(r"已存入案件 (\d+) .*本批 (\d+) 份")
ALREADY_SAVED = re.compile(r"这个文件已经保存过：案件 (\d+) 的证据(\d+)")
REMINDER_SET = re.compile(r"提醒你：(.+)")
REMINDER_CASE = re.compile(r"关联：案件 (\d+)")


class Interrupted(Exception):
    """The bot was killed before the step's reply came, and none came after the restart."""


@dataclass
class Step:
    shopper: int
    kind: str  # "case" | "photo" | "document" | "remind"
    platform: tuple[str, str] | None = None
    problem: tuple[str, str] | None = None
    content: bytes = b""
    name: str | None = None
    text: str | None = None
    sends: int = 0
    """How many times the update that stores it (problem press, file, /remind) was sent."""
    attempts: int = 0
    confirmation: SentCall | None = None

    @property
    def upload(self) -> bool:
        return self.kind in ("photo", "document")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def shown_as(self) -> str:
        """How the file appears in the list of a "saved" message."""
        if self.kind == "photo":
            return f"照片 · {len(self.content) // 1024} KB"
        assert self.name is not None
        return self.name

    def confirms(self, call: SentCall) -> bool:
        """``call`` tells the shopper that this step is stored."""
        if call.chat_id != self.shopper or call.method not in SHOWN:
            return False
        text = call.plain_text or ""
        if self.kind == "case":
            return CASE_CONFIRMED.search(text) is not None
        if self.upload:
            return ("已存入" in text and self.shown_as in text) or "这个文件已经保存过" in text
        return f"提醒你：{self.text}" in text

    def __str__(self) -> str:
        if self.kind == "case":
            assert self.platform is not None and self.problem is not None
            what = f"{self.platform[1]}/{self.problem[1]}"
        else:
            what = self.shown_as if self.upload else str(self.text)
        return f"{self.shopper}:{self.kind}({what})"


def script(rng: random.Random, shopper: int) -> list[Step]:
    """CASES cases, each followed by a photo, a document and a reminder in a random order."""
    pairs = rng.sample([(p, q) for p in PLATFORMS for q in PROBLEMS], CASES)
    kilobytes = iter(rng.sample(range(3, 60), CASES))
    steps: list[Step] = []
    for platform, problem in pairs:
        steps.append(Step(shopper, "case", platform=platform, problem=problem))
        block = ["photo", "document", "remind"]
        rng.shuffle(block)
        for kind in block:
            tag = "".join(rng.choices(TAG_LETTERS, k=5))
            if kind == "photo":
                colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
                head = plain_jpeg(colour)
                size = next(kilobytes) * 1024
                steps.append(Step(shopper, kind, content=head + rng.randbytes(size - len(head))))
            elif kind == "document":
                content = pdf_bytes(f"receipt {tag}") + rng.randbytes(rng.randrange(100, 5000))
                steps.append(Step(shopper, kind, content=content, name=f"receipt-{tag}.pdf"))
            else:
                text = f"跟进商家回复 {tag}"
                steps.append(Step(shopper, kind, text=text))
    return steps


# ---------------------------------------------------------------------- the database, read-only


@dataclass
class Stored:
    cases: dict[tuple[int, int], tuple[int, str, str]]  # (user, number) -> (id, platform, problem)
    evidence: list[tuple[int, int, str | None, int | None, str | None]]
    """(user, case id, sha256, size, not_stored_reason) per row."""
    reminders: list[tuple[int, int | None, str, str]]  # (user, case id, text, status)

    def case_number(self, case_id: int | None) -> int | None:
        for (_, number), (row_id, _, _) in self.cases.items():
            if row_id == case_id:
                return number
        return None


async def read_stored(bot: BotProcess) -> Stored:
    async def read(sql: str) -> list[Any]:
        rows = await bot.rows(sql)
        assert rows is not None, f"the bot's database has no tables for {sql!r}"
        return rows

    cases = {
        (user, number): (row_id, platform, problem)
        for row_id, user, number, platform, problem in await read(
            "SELECT id, user_id, number, platform, problem_type FROM cases"
        )
    }
    evidence = await read(
        "SELECT user_id, case_id, sha256, size, not_stored_reason FROM evidence_items"
    )
    reminders = await read(
        "SELECT user_id, case_id, text, status FROM reminders WHERE kind = 'custom'"
    )
    return Stored(cases, evidence, reminders)


async def check_seen_is_stored(bot: BotProcess, steps: list[Step], when: str) -> Counter[str]:
    """Every confirmation in the chats speaks of something stored (evidence: on disk too).

    Returns how many confirmations of each sort were checked."""
    stored = await read_stored(bot)
    problems: list[str] = []
    checked: Counter[str] = Counter()
    for call in bot.fake.sent:
        if call.chat_id not in SHOPPERS or call.method not in SHOWN:
            continue
        user = int(call.chat_id)
        text = call.plain_text or ""
        for number in CASE_CONFIRMED.findall(text):
            checked["case"] += 1
            if (user, int(number)) not in stored.cases:
                problems.append(f"case {number} of {user} missing; seen: {call!r}")
        if saved := SAVED.search(text):
            checked["evidence"] += 1
            case = stored.cases.get((user, int(saved[1])))
            listed = [s for s in steps if s.upload and s.shopper == user and s.shown_as in text]
            if len(listed) != int(saved[2]):
                problems.append(f"cannot tell which files {call!r} lists: {listed}")
            for step in listed:
                problems += evidence_problems(bot, stored, step, case, call)
        if already := ALREADY_SAVED.search(text):
            checked["evidence"] += 1
            case = stored.cases.get((user, int(already[1])))
            count = sum(1 for row in stored.evidence if case and row[1] == case[0])
            if count < int(already[2]):
                problems.append(f"evidence named in {call!r} missing ({count} in that case)")
        for reminder in REMINDER_SET.findall(text):
            checked["reminder"] += 1
            rows = [r for r in stored.reminders if r[0] == user and r[2] == reminder.strip()]
            if not any(r[3] in ("pending", "sent") for r in rows):
                problems.append(f"reminder {reminder!r} of {user} missing: {rows}; seen: {call!r}")
            if (linked := REMINDER_CASE.search(text)) and not any(
                stored.case_number(r[1]) == int(linked[1]) for r in rows
            ):
                problems.append(f"reminder {reminder!r} not linked to case {linked[1]}: {rows}")
    assert not problems, f"{when}: confirmed but not stored:\n" + "\n".join(problems)
    return checked


def evidence_problems(
    bot: BotProcess,
    stored: Stored,
    step: Step,
    case: tuple[int, str, str] | None,
    call: SentCall,
) -> list[str]:
    rows = [r for r in stored.evidence if r[0] == step.shopper and r[2] == step.sha256]
    if case is None or [r[1] for r in rows] != [case[0]]:
        return [f"{step} not stored once in its case {case}: {rows}; seen: {call!r}"]
    _, _, sha, size, not_stored = rows[0]
    assert sha is not None
    path = bot.data_dir / "evidence" / "users" / str(step.shopper) / sha[:2] / sha
    if not_stored is not None or size != len(step.content) or not path.is_file():
        return [f"{step} row {rows[0]} but file {path} exists={path.is_file()}; seen: {call!r}"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != sha:
        return [f"{step}: {path} does not hash to its stored sha256"]
    return []


# ---------------------------------------------------------------------- the kills


@dataclass
class Kill:
    mode: str
    delay: float
    gap: int
    at_send: int = 0
    unconfirmed: list[str] = field(default_factory=list)
    """Steps sent but not yet confirmed when the kill came."""
    mid_upload: bool = False
    replies_in_flight: int = 0


class Chaos:
    """Kills the bot at planned moments: ``delay`` seconds after the update the shoppers send
    ``gap`` updates after the last restart. ``file`` waits for an upload and has Telegram hold
    the bot's next getFile (the kill lands mid-upload); ``reply`` waits for an update that stores
    something and has Telegram hold the bot's next sendMessage (the kill lands while it is on its
    way). After a kill: let held replies land, check, restart."""

    def __init__(
        self, rng: random.Random, bot: BotProcess, steps: list[Step], spawn: Callable
    ) -> None:
        self.bot, self.fake, self.steps, self.spawn = bot, bot.fake, steps, spawn
        modes = ["file", "reply", *rng.choices(["plain", "file", "reply"], k=KILLS - 2)]
        rng.shuffle(modes)
        self.plan: list[Kill] = []
        for mode in modes:
            if mode == "file":
                delay = rng.uniform(0.05, 1.5)
            elif mode == "reply":
                delay = rng.uniform(0.25, 0.9)
            else:
                delay = rng.choice([rng.uniform(0.0, 0.15), rng.uniform(0.15, 1.0)])
            self.plan.append(Kill(mode, delay, gap=rng.randint(1, 4)))
        self.next_at = self.plan[0].gap
        self.kills: list[Kill] = []
        self.sends = 0
        self.epoch = 0
        self.up = asyncio.Event()
        self.busy = False
        self.active: dict[int, tuple[Step, int]] = {}  # shopper -> step being sent, since mark

    def before_send(self, step: Step, stores: bool) -> None:
        """Called just before a shopper's update is queued (so a hold is in place in time)."""
        self.sends += 1
        if self.busy or not self.plan or self.sends < self.next_at:
            return
        kill = self.plan[0]
        if (kill.mode == "file" and not step.upload) or (kill.mode == "reply" and not stores):
            return  # stays armed for a fitting update
        self.plan.pop(0)
        if kill.mode == "file":
            self.fake.delay_next(1, FILE_HOLD, method="getFile")
        elif kill.mode == "reply":
            self.fake.delay_next(1, REPLY_HOLD, method="sendMessage")
        kill.at_send = self.sends
        self.busy = True
        self.spawn(self._kill_after(kill))

    def unconfirmed(self) -> list[Step]:
        sent = self.fake.sent
        return [
            step
            for step, mark in self.active.values()
            if not any(step.confirms(call) for call in sent[mark:])
        ]

    async def _kill_after(self, kill: Kill) -> None:
        await asyncio.sleep(kill.delay)
        unconfirmed = self.unconfirmed()
        kill.unconfirmed = [str(step) for step in unconfirmed]
        kill.mid_upload = any(step.upload for step in unconfirmed)
        kill.replies_in_flight = self.fake.sends_in_flight
        self.up.clear()
        self.epoch += 1
        await self.bot.kill9()
        assert self.bot.returncode == -9
        self.kills.append(kill)
        await self.settle()
        await check_seen_is_stored(self.bot, self.steps, f"after kill #{len(self.kills)} {kill}")
        await self.bot.start(wait=True)
        self.busy = False
        if self.plan:
            self.next_at = self.sends + self.plan[0].gap
        self.up.set()

    async def settle(self) -> None:
        """Wait until the requests the dead process had made are answered (held ones too)."""
        deadline = time.monotonic() + 10 * max(FILE_HOLD, REPLY_HOLD)
        while self.fake.sends_in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)


# ---------------------------------------------------------------------- the shoppers


class Shopper:
    def __init__(
        self, fake: FakeBotAPI, chaos: Chaos, steps: list[Step], rng: random.Random
    ) -> None:
        self.fake, self.chaos, self.steps, self.rng = fake, chaos, steps, rng

    async def run(self) -> None:
        for step in self.steps:
            await asyncio.sleep(self.rng.uniform(0.05, 0.3))  # the shopper reads, then goes on
            while True:
                try:
                    step.confirmation = await self.attempt(step)
                    break
                except Interrupted:
                    continue  # the bot is back: send the step again

    async def attempt(self, step: Step) -> SentCall:
        user, fake = step.shopper, self.fake
        epoch, mark = self.chaos.epoch, fake.mark()
        step.attempts += 1
        self.chaos.active[user] = (step, mark)
        try:
            if step.kind == "case":
                assert step.platform is not None and step.problem is not None
                await self.send(step, False, fake.user_text(user, "/new"))
                question = await self.expect(
                    lambda c: c.chat_id == user and "在哪个平台买的" in (c.plain_text or ""),
                    mark,
                    epoch,
                )
                label = step.platform[0]
                await self.send(
                    step, False, fake.press_button(user, label, message_id=question.message_id)
                )
                problem = await self.expect(
                    lambda c: (
                        c.chat_id == user
                        and c.message_id == question.message_id
                        and f"平台：{label}" in (c.plain_text or "")
                    ),
                    mark,
                    epoch,
                )
                press = fake.press_button(user, step.problem[0], message_id=problem.message_id)
                await self.send(step, True, press)
            elif step.kind == "photo":
                await self.send(step, True, fake.user_photo(user, step.content))
            elif step.kind == "document":
                assert step.name is not None
                upload = fake.user_document(user, step.content, step.name, "application/pdf")
                await self.send(step, True, upload)
            else:
                await self.send(step, True, fake.user_text(user, f"/remind 3h {step.text}"))
            return await self.expect(step.confirms, mark, epoch)
        finally:
            del self.chaos.active[user]

    async def send(self, step: Step, stores: bool, update: Awaitable[object]) -> None:
        self.chaos.before_send(step, stores)
        if stores:
            step.sends += 1
        await update

    async def expect(
        self, predicate: Callable[[SentCall], bool], since: int, epoch: int
    ) -> SentCall:
        """The reply; ``Interrupted`` if the bot was killed and the reply did not come within
        GRACE of the restart (a redelivered update, or a reply Telegram held, would be seen)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        interrupted = False
        index = since
        while True:
            sent = self.fake.sent
            while index < len(sent):
                call = sent[index]
                index += 1
                if predicate(call):
                    return call
            if self.chaos.epoch != epoch:
                interrupted, epoch = True, self.chaos.epoch
                await self.chaos.up.wait()
                deadline = loop.time() + GRACE
                continue
            if not self.chaos.up.is_set():  # sent while the bot was down: it comes back
                await self.chaos.up.wait()
                deadline = max(deadline, loop.time() + REPLY_TIMEOUT)
                continue
            if loop.time() > deadline:
                if interrupted:
                    raise Interrupted
                recent = "\n".join(f"  {c!r}" for c in sent[since:][-8:])
                raise AssertionError(f"no reply within {REPLY_TIMEOUT}s with no kill:\n{recent}")
            await asyncio.sleep(0.02)


# ---------------------------------------------------------------------- the test


@pytest.mark.parametrize("seed", SEEDS)
async def test_what_the_shopper_was_told_is_saved_survives_kill_9_at_any_moment(
    fake_api: FakeBotAPI, bot_process: BotProcess, seed: int
) -> None:
    started = time.monotonic()
    rng = random.Random(seed)
    scripts = {user: script(rng, user) for user in SHOPPERS}
    paces = {user: random.Random(rng.random()) for user in SHOPPERS}
    steps = [step for user in SHOPPERS for step in scripts[user]]
    bot_process.env.update(THROTTLE_RATE="100", THROTTLE_BURST="100")

    async with asyncio.TaskGroup() as group:
        chaos = Chaos(rng, bot_process, steps, group.create_task)
        await bot_process.start(wait=True)
        chaos.up.set()
        shoppers = [Shopper(fake_api, chaos, scripts[u], paces[u]) for u in SHOPPERS]
        await asyncio.gather(*(shopper.run() for shopper in shoppers))
    # every step was confirmed in the end (the script completed); the last kill has restarted

    await fake_api.wait_quiet(gap=0.3, timeout=20)
    await bot_process.kill9()
    checked = await check_seen_is_stored(bot_process, steps, "at the end")
    assert checked["case"] >= sum(s.kind == "case" for s in steps), checked
    assert checked["evidence"] >= sum(s.upload for s in steps), checked
    assert checked["reminder"] >= sum(s.kind == "remind" for s in steps), checked

    stored = await read_stored(bot_process)
    for step in steps:
        assert step.confirmation is not None, step
        text = step.confirmation.plain_text or ""
        if step.kind == "case":
            assert step.platform is not None and step.problem is not None
            number = CASE_CONFIRMED.search(text)
            assert number is not None
            _, platform, problem = stored.cases[(step.shopper, int(number[1]))]
            assert (platform, problem) == (step.platform[1], step.problem[1]), step
            same = [
                key
                for key, (_, p, q) in stored.cases.items()
                if key[0] == step.shopper and (p, q) == (step.platform[1], step.problem[1])
            ]
            assert 1 <= len(same) <= step.sends, f"{step}: cases {same} from {step.sends} sends"
        elif step.upload:
            rows = [r for r in stored.evidence if r[0] == step.shopper and r[2] == step.sha256]
            assert len(rows) == 1, f"{step}: {len(rows)} rows from {step.sends} uploads"
        else:
            rows = [r for r in stored.reminders if r[0] == step.shopper and r[2] == step.text]
            assert 1 <= len(rows) <= step.sends, f"{step}: {rows} from {step.sends} sends"
            assert all(r[3] == "pending" for r in rows), rows
    assert len(stored.evidence) == sum(1 for s in steps if s.upload)

    errors = [c for c in fake_api.sent if "处理时出了点问题" in (c.plain_text or "")]
    assert errors == []
    assert fake_api.internal_errors == []
    mid_step = [k for k in chaos.kills if k.unconfirmed]
    mid_upload = [k for k in mid_step if k.mid_upload]
    assert len(chaos.kills) == KILLS, f"script ended before all kills: {chaos.kills}"
    assert mid_step, f"no kill landed while a step was unconfirmed: {chaos.kills}"

    redelivered = sum(n - 1 for n in fake_api.deliveries.values() if n > 1)
    resent = Counter(s.kind for s in steps for _ in range(s.attempts - 1))
    print(
        f"\nseed {seed}: {len(steps)} steps, {chaos.sends} updates sent, "
        f"{len(chaos.kills)} kills ({len(mid_step)} mid-step, {len(mid_upload)} mid-upload), "
        f"re-sent {dict(resent)}, "
        f"{redelivered} redelivered, {time.monotonic() - started:.1f}s"
    )
    for kill in chaos.kills:
        print(f"  {kill}")
