"""Every deadline rules file is well-formed, and a malformed one fails loudly, by name.

The structural checks read the TOML directly (not through the loader), so a loader bug cannot
hide a bad file; the loader is then checked to accept every real file and reject broken ones.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shopguard.deadlines.rules import (
    CONFIDENCES,
    COUNTINGS,
    GENERIC_FILE,
    KINDS,
    LAW_FILE,
    PLATFORM_FILES,
    RULES_DIR,
    START_FACTS,
    RulesError,
    load_rules,
    load_rules_from,
    read_rules_file,
)
from shopguard.taxonomy import Category, Platform, ProblemType

REQUIRED = (
    "id",
    "title_zh",
    "title_en",
    "amount",
    "counting",
    "starts",
    "kind",
    "reminds",
    "source",
    "confidence",
)
# deadline rules: national law, generic defaults, one file per platform (rules/ also holds
# other features' data files, each tested by its own feature)
RULE_FILES = sorted(
    ["law.toml", "generic.toml"] + [f"{p.value}.toml" for p in Platform if p != Platform.OTHER]
)
PLATFORM_ONLY_FILES = sorted(set(PLATFORM_FILES.values()) - {GENERIC_FILE})


def raw_rules(name: str) -> list[dict[str, Any]]:
    data = tomllib.loads((RULES_DIR / name).read_text("utf-8"))
    rules: list[dict[str, Any]] = data.get("rule", [])
    return rules


def test_the_expected_files_exist() -> None:
    expected = ["douyin", "generic", "jd", "kuaishou", "law", "pinduoduo", "taobao"]
    assert [f"{name}.toml" for name in expected] == RULE_FILES
    assert set(PLATFORM_FILES) == set(Platform)


@pytest.mark.parametrize("name", RULE_FILES)
def test_every_rule_is_well_formed(name: str) -> None:
    rules = raw_rules(name)
    ids = [rule.get("id") for rule in rules]
    assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
    for rule in rules:
        where = f"{name}: {rule.get('id')}"
        for key in REQUIRED:
            assert key in rule, f"{where}: missing {key}"
        assert isinstance(rule["id"], str) and rule["id"], where
        assert rule["title_zh"].strip() and rule["title_en"].strip(), where
        assert isinstance(rule["amount"], int) and not isinstance(rule["amount"], bool), where
        assert rule["amount"] > 0, where
        assert rule["counting"] in COUNTINGS, where
        assert rule["starts"] in START_FACTS, where
        assert rule["kind"] in KINDS, where
        assert rule["confidence"] in CONFIDENCES, where
        assert isinstance(rule["reminds"], bool), where
        assert isinstance(rule["source"], str) and rule["source"].strip(), where
        assert set(rule.get("applies_to_problems", [])) <= set(ProblemType), where
        assert set(rule.get("applies_to_categories", [])) <= set(Category), where
        excluded = rule.get("excluded_categories", [])
        assert set(excluded) <= set(Category), where
        if excluded:
            assert rule.get("exclusion_reason_zh") and rule.get("exclusion_reason_en"), where
        assert ("note_zh" in rule) == ("note_en" in rule), where


@pytest.mark.parametrize("name", RULE_FILES)
def test_loader_accepts_every_file(name: str) -> None:
    assert [rule.id for rule in read_rules_file(RULES_DIR / name)] == [
        rule["id"] for rule in raw_rules(name)
    ]


def test_law_and_generic_do_not_overlap() -> None:
    law = {rule["id"] for rule in raw_rules(LAW_FILE)}
    generic = {rule["id"] for rule in raw_rules(GENERIC_FILE)}
    assert law and generic and not law & generic
    assert not any(rule.get("overrides") for rule in raw_rules(LAW_FILE) + raw_rules(GENERIC_FILE))


@pytest.mark.parametrize("name", PLATFORM_ONLY_FILES)
def test_platform_overrides_only_known_ids(name: str) -> None:
    base = {rule["id"] for rule in raw_rules(LAW_FILE) + raw_rules(GENERIC_FILE)}
    for rule in raw_rules(name):
        if rule.get("overrides", False):
            assert rule["id"] in base, f"{name}: {rule['id']} overrides nothing"
        else:
            assert rule["id"] not in base, f"{name}: {rule['id']} shadows without overrides"


def test_law_rules_are_never_low_confidence() -> None:
    assert all(rule["confidence"] != "low" for rule in raw_rules(LAW_FILE))


def test_long_limits_do_not_remind_and_short_windows_do() -> None:
    law = {rule["id"]: rule for rule in raw_rules(LAW_FILE)}
    generic = {rule["id"]: rule for rule in raw_rules(GENERIC_FILE)}
    assert not law["12315_limit"]["reminds"] and not law["lawsuit_limit"]["reminds"]
    assert law["return_no_reason"]["reminds"]
    assert generic["price_protect"]["reminds"]
    assert generic["seller_reply"]["reminds"] and generic["ticket_reply"]["reminds"]


@pytest.mark.parametrize("platform", list(Platform))
def test_every_platform_loads(platform: Platform) -> None:
    rules = load_rules(platform)
    assert rules.platform == platform
    for rule_id in ("return_no_reason", "12315_accept", "price_protect", "seller_reply"):
        assert rule_id in rules
    assert load_rules(platform) is rules  # cached


def test_merged_values() -> None:
    jd, douyin, other = load_rules("jd"), load_rules("douyin"), load_rules("other")
    assert (jd.get("seller_reply").amount, jd.get("seller_reply").confidence) == (24, "high")
    assert (douyin.get("seller_reply").amount, douyin.get("seller_reply").confidence) == (
        48,
        "low",
    )
    assert (other.get("seller_reply").amount, other.get("seller_reply").counting) == (48, "hours")
    assert jd.get("seller_reply").origin == "jd.toml"
    assert other.get("seller_reply").origin == "generic.toml"
    assert "jd_intervention" in jd and "jd_intervention" not in douyin
    assert jd.get("jd_intervention_limit").amount == 15
    self_operated = jd.get("price_protect").self_operated
    assert self_operated is not None and self_operated.starts == "signed_at"
    mediation = {rule.id: rule for rule in other if rule.id.startswith("12315_mediation")}
    assert {(r.amount, r.counting) for r in mediation.values()} == {
        (45, "working_days"),
        (60, "calendar_days"),
    }
    assert load_rules("taobao").ids == other.ids


def test_unknown_platform() -> None:
    with pytest.raises(RulesError, match="amazon"):
        load_rules_from(RULES_DIR, "amazon")


# --- a malformed file is rejected with its file and rule named ----------------------------------

GOOD = """
[[rule]]
id = "demo"
title_zh = "示例"
title_en = "Demo"
amount = 7
counting = "calendar_days"
starts = "signed_at"
kind = "act_by"
reminds = true
source = "somewhere"
confidence = "high"
"""


@pytest.mark.parametrize(
    ("replace", "with_", "message"),
    [
        ('counting = "calendar_days"', 'counting = "fortnights"', "counting must be one of"),
        ('source = "somewhere"', 'source = ""', "source must be a non-empty string"),
        ('source = "somewhere"\n', "", "missing required keys ['source']"),
        ("amount = 7", "amount = -3", "amount must be a positive whole number"),
        ("amount = 7", "amount = 7.5", "amount must be a positive whole number"),
        ('confidence = "high"', 'confidence = "sure"', "confidence must be one of"),
        ('starts = "signed_at"', 'starts = "delivered_at"', "starts must be one of"),
        ("reminds = true", 'reminds = "yes"', "reminds must be true or false"),
        ('kind = "act_by"', 'kind = "act_by"\ncolour = "red"', "unknown keys ['colour']"),
        (
            'kind = "act_by"',
            'kind = "act_by"\nexcluded_categories = ["fresh"]',
            "needs exclusion_reason_zh",
        ),
        (
            'kind = "act_by"',
            'kind = "act_by"\napplies_to_problems = ["sadness"]',
            "unknown values ['sadness']",
        ),
        ('kind = "act_by"', 'kind = "act_by"\nnote_zh = "只有中文"', "note_zh and note_en"),
    ],
)
def test_malformed_rule_named(tmp_path: Path, replace: str, with_: str, message: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace(replace, with_), "utf-8")
    with pytest.raises(RulesError) as info:
        read_rules_file(path)
    assert str(info.value).startswith("broken.toml: rule 'demo': ")
    assert message in str(info.value)


def test_rule_without_id_is_named_by_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(GOOD + GOOD.replace('id = "demo"\n', ""), "utf-8")
    with pytest.raises(RulesError, match=r"^broken.toml: rule #2: missing required keys \['id'\]"):
        read_rules_file(path)


def test_duplicate_id_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(GOOD + GOOD, "utf-8")
    with pytest.raises(RulesError, match=re.escape("broken.toml: rule 'demo': duplicate id")):
        read_rules_file(path)


def test_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[[rule]\nid = ", "utf-8")
    with pytest.raises(RulesError, match=re.escape("broken.toml: cannot read")):
        read_rules_file(path)


def _rules_dir(tmp_path: Path, jd_text: str) -> Path:
    for name in RULE_FILES:
        (tmp_path / name).write_text((RULES_DIR / name).read_text("utf-8"), "utf-8")
    (tmp_path / "jd.toml").write_text(jd_text, "utf-8")
    return tmp_path


def test_platform_shadowing_without_overrides_fails(tmp_path: Path) -> None:
    text = GOOD.replace('id = "demo"', 'id = "seller_reply"')
    with pytest.raises(
        RulesError, match=re.escape("jd.toml: rule 'seller_reply': id already defined")
    ):
        load_rules_from(_rules_dir(tmp_path, text), "jd")


def test_platform_override_of_nothing_fails(tmp_path: Path) -> None:
    text = GOOD.replace('id = "demo"', 'id = "seller_replies"\noverrides = true')
    with pytest.raises(
        RulesError, match=re.escape("jd.toml: rule 'seller_replies': overrides = true")
    ):
        load_rules_from(_rules_dir(tmp_path, text), "jd")


def test_platform_override_replaces_in_place(tmp_path: Path) -> None:
    text = GOOD.replace('id = "demo"', 'id = "return_no_reason"\noverrides = true')
    rules = load_rules_from(_rules_dir(tmp_path, text), "jd")
    law_ids = [rule["id"] for rule in raw_rules(LAW_FILE)]
    assert rules.ids[: len(law_ids)] == tuple(law_ids)
    assert rules.get("return_no_reason").title_en == "Demo"
    assert rules.get("return_no_reason").origin == "jd.toml"
