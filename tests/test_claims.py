"""Every lab's declared claims hold on three seeds here (``make claims`` checks all twenty).

The numbers come from the declarations in ``mmplay/labs/<lab>.py``, nothing is restated here.
"""

import pytest

from mmplay.labs import LAB_NAMES, LABS
from mmplay.labs.declaration import Claim, at_least, at_most, difference, flatten
from mmplay.labs.headless import LazyMetrics, claim_table

CI_SEEDS = (0, 1, 2)
MIN_CLAIMS = 3


@pytest.mark.parametrize("name", LAB_NAMES)
def test_every_claim_holds_on_three_seeds(name):
    rows = claim_table(LABS[name], CI_SEEDS)
    failed = [f"{r['text']} {r['settings']}: min {r['min']}, max {r['max']}" for r in rows if r["seeds_holding"] != 3]
    assert not failed, "claims that failed on a seed:\n" + "\n".join(failed)


@pytest.mark.parametrize("name", LAB_NAMES)
def test_each_lab_declares_at_least_three_claims_on_its_own_knobs(name):
    lab = LABS[name]
    assert len(lab.claims) >= MIN_CLAIMS
    fields = set(lab.config.__dataclass_fields__)
    for claim in lab.claims:
        assert {key for key, _ in claim.settings} <= fields, claim.text
    for extra in lab.extras:
        assert set(extra.depends_on) <= fields, extra.name


def test_claim_reads_a_key_or_a_derived_number():
    plain = at_least("acc.a", 0.5, "A ≥ 50 %")
    gap = at_least("gap", 0.1, "A beats B by 10 points", of=difference("acc.a", "acc.b"))
    metrics = flatten({"acc": {"a": 0.7, "b": 0.65}})
    assert plain.check(metrics) and not gap.check(metrics)
    assert gap.value(metrics) == pytest.approx(0.05)
    assert not Claim("missing", "absent", lambda v: True).check(metrics)  # an absent number never holds


def test_an_extra_is_computed_only_when_a_claim_reads_it():
    calls = []
    pending = {"sweep": lambda: calls.append("sweep") or {"64": {"acc": 0.9}}}
    metrics = LazyMetrics({"logits.mae": 0.01}, pending)
    assert at_most("logits.mae", 0.02, "close").check(metrics) and calls == []
    assert at_least("sweep.64.acc", 0.85, "long").check(metrics) and calls == ["sweep"]
    assert metrics["sweep.64.acc"] == 0.9 and calls == ["sweep"]  # computed once
