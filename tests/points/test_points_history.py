"""Objections during publicity, re-scoring, and the append-only, hash-chained history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from points_helpers import citizen_id

from renkou.errors import UserError
from renkou.points.applicants import RecordApplicants
from renkou.points.history import PublicityRound, ScoringHistory
from renkou.points.loader import load_rules

OPENS, CLOSES = date(2017, 10, 16), date(2017, 10, 22)


def _round() -> PublicityRound:
    rules = load_rules("beijing-2016").rules
    records = [
        # A: 20 (age) + 10*3 + 26 (硕士) = 76
        {
            "applicant_id": citizen_id(1),
            "has_permit": 1,
            "sex": "M",
            "age": 30,
            "insurance_years": 10,
            "education": "硕士",
        },
        # B: 20 + 12*3 + 15 (本科+学士) = 71; she says she holds a doctorate (37): 20 + 36 + 37 = 93
        {
            "applicant_id": citizen_id(2),
            "has_permit": 1,
            "sex": "F",
            "age": 40,
            "insurance_years": 12,
            "education": "学士",
        },
        # C: 20 + 8*3 = 44
        {"applicant_id": citizen_id(3), "has_permit": 1, "sex": "M", "age": 33, "insurance_years": 8},
    ]
    table = RecordApplicants(records).evidence(rules)
    history = ScoringHistory(clock=lambda: datetime(2017, 10, 20, 9, 0, tzinfo=UTC))
    return PublicityRound(rules, table, opens=OPENS, closes=CLOSES, quota=1, history=history)


def test_accepted_objection_rescores_and_reranks_with_history_kept() -> None:
    game = _round()
    before = game.ranking()
    assert before.admitted.tolist() == [True, False, False]
    objection = game.file_objection(citizen_id(2), date(2017, 10, 18), "学历应为博士", {"education": "博士"})
    record = game.decide(objection.number, accepted=True, decided_on=date(2017, 10, 25), note="核验学位证书")
    assert (record.kind, record.data["score_before"], record.data["score_after"]) == ("rescored", 71, 93)
    after = game.ranking()
    assert after.admitted.tolist() == [False, True, False]
    assert int(game.scores.total[1]) == 9300
    education = next(line for line in record.data["explanation_after"]["lines"] if line["indicator"] == "education")
    assert (education["points"], education["source"]) == (37, "verified")
    kinds = [r.kind for r in game.history.of(citizen_id(2))]
    assert kinds == ["objection", "decision", "rescored"]
    assert game.history.records[0].kind == "published"
    assert game.history.verify()


def test_rejected_objection_changes_nothing() -> None:
    game = _round()
    objection = game.file_objection(citizen_id(3), OPENS, "分数有误", {"insurance_years": 20})
    record = game.decide(objection.number, accepted=False, decided_on=CLOSES)
    assert record.kind == "decision" and record.data["accepted"] is False
    assert int(game.scores.total[2]) == 4400
    with pytest.raises(UserError, match="already been decided"):
        game.decide(objection.number, accepted=True, decided_on=CLOSES)


def test_objection_outside_publicity_or_with_bad_values_is_refused() -> None:
    game = _round()
    with pytest.raises(UserError, match="during publicity"):
        game.file_objection(citizen_id(1), date(2017, 10, 23), "late", {"education": "博士"})
    with pytest.raises(UserError, match="not a known level"):
        game.file_objection(citizen_id(1), OPENS, "typo", {"education": "大学"})
    with pytest.raises(UserError, match="no input"):
        game.file_objection(citizen_id(1), OPENS, "unknown", {"salary": 1})
    with pytest.raises(UserError, match=r"no applicant 310105\*{8}"):
        game.file_objection(citizen_id(9), OPENS, "who", {"education": "博士"})
    assert [r.kind for r in game.history.records] == ["published"]


def test_history_chain_detects_edits_and_removals() -> None:
    game = _round()
    game.file_objection(citizen_id(2), OPENS, "学历应为博士", {"education": "博士"})
    game.decide(1, accepted=True, decided_on=CLOSES)
    records = game.history.records
    assert game.history.verify(records)
    edited = replace(records[3], data={**records[3].data, "score_after": 99})
    assert not game.history.verify((*records[:3], edited, *records[4:]))
    assert not game.history.verify((records[0], *records[2:]))
    assert not game.history.verify((records[1], records[0], *records[2:]))
    # Records never show a full ID in their repr (logs).
    assert citizen_id(2) not in repr(records[1])


def test_a_copy_changes_alone_and_the_ranking_follows_the_scores() -> None:
    game = _round()
    first = game.ranking()
    assert game.ranking() is first  # computed once for the same scores
    twin = game.copy()
    objection = twin.file_objection(citizen_id(2), date(2017, 10, 18), "学历应为博士", {"education": "博士"})
    twin.decide(objection.number, accepted=True, decided_on=date(2017, 10, 25))
    # The copy re-scored B to 93 and admits her; the original still has B at 71, no objection, one record.
    assert twin.ranking().admitted.tolist() == [False, True, False] and int(twin.scores.total[1]) == 9300
    assert game.ranking() is first and first.admitted.tolist() == [True, False, False]
    assert int(game.scores.total[1]) == 7100 and game.objections == () and not game.decided(1)
    assert [r.kind for r in game.history.records] == ["published"]
    assert [r.kind for r in twin.history.records] == ["published", "objection", "decision", "rescored"]
    assert twin.history.verify() and game.history.verify()
