"""Every lab's declared claims hold on three seeds here (``make claims`` checks all twenty).

The numbers come from the declarations in ``mmplay/labs/<lab>.py``, nothing is restated here.
"""

import pytest

from mmplay.labs import LAB_NAMES, LABS
from mmplay.labs.declaration import Claim, at_least, difference, flatten
from mmplay.labs.headless import claim_table, extras_read_by

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


def test_claims_ask_only_for_the_extras_they_read():
    fusion = LABS["fusion"]
    plain = [c for c in fusion.claims if c.key.startswith("logits.")]
    assert extras_read_by(fusion, plain) == set()
    assert extras_read_by(fusion, [c for c in fusion.claims if c.key.startswith("sweep.")]) == {"sweep"}
