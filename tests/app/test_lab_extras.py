"""Heavy extras and the export, through the real pages: each found bug kept as a reproduction.

- Missing: the q-sweep chart's key clashed with the sidebar's ``q`` slider (DuplicateElementKey).
- Fusion: the sequence sweep re-ran on every rerun after the first (each ρ/π move retrained 15 models).
- Export: ``metrics.csv`` was evaluated at the default test-time settings, not the user's.
"""

import csv
import io
import zipfile

import pytest

from mmplay.labs import gating
from mmplay.ui import extras, lab_page
from tests.app.helpers import page


@pytest.fixture
def computations(monkeypatch) -> list[str]:
    """The names of the extras computed (not read from a cache) while the test runs."""
    seen: list[str] = []
    compute = extras._compute

    def counting(extra, config, run, flag):
        seen.append(extra.name)
        return compute(extra, config, run, flag)

    monkeypatch.setattr(extras, "_compute", counting)
    return seen


def test_missing_q_sweep_draws_its_chart_next_to_the_q_slider(computations):
    at = page("missing", n_train="400", n_test="400", steps="20").run()
    at.button(key="missing.extra.q_sweep").click().run()
    assert not at.exception, at.exception
    assert computations == ["q_sweep"]
    assert at.slider(key="missing.q")
    assert any(chart.proto.id for chart in at.get("plotly_chart"))


def test_fusion_sweep_is_computed_once_and_not_again_when_rho_moves(computations):
    at = page("fusion", seq_steps="50", seq_train="500").run()
    at.button(key="fusion.extra.sweep").click().run()
    assert not at.exception, at.exception
    at.slider(key="fusion.rho").set_value(0.5).run()
    at.slider(key="fusion.prior").set_value(0.7).run()
    assert not at.exception, at.exception
    assert computations == ["sweep"]


def test_export_metrics_are_scored_at_the_users_test_time_settings(monkeypatch):
    bundles: list[bytes] = []
    monkeypatch.setattr(lab_page, "export_button", lambda lab, make_bundle, key: bundles.append(make_bundle()))
    at = page("gating", corruption="0.3", n_train="400", n_test="400").run()
    at.button(key="gating.run.step").click().run()
    assert not at.exception, at.exception
    with zipfile.ZipFile(io.BytesIO(bundles[-1])) as bundle:
        exported = {
            row["metric"]: float(row["value"])
            for row in csv.DictReader(io.StringIO(bundle.read("metrics.csv").decode()))
        }
    run = at.session_state["gating.run"].run
    at_user = gating.evaluate_at(run, gating.Config(corruption=0.3))
    at_default = gating.evaluate_at(run, gating.Config())
    assert at_user["naive"] != at_default["naive"]
    assert exported["accuracy.naive"] == pytest.approx(at_user["naive"])


def test_dominance_ceilings_start_by_themselves_only_when_quick(computations):
    at = page("dominance", n_train="200", n_test="200", steps="100").run()
    assert not at.exception, at.exception
    assert computations == ["ceiling"]
    at.selectbox(key="dominance.method").set_value("ogm_ge").run()
    at.slider(key="dominance.alpha").set_value(1.0).run()
    assert computations == ["ceiling"]  # the ceilings train each modality alone: method and α don't matter
    heavy = page("dominance", steps="10000", batch="1024").run()
    assert not heavy.exception, heavy.exception
    assert computations == ["ceiling"]  # not again: 10,000 steps × 1,024 waits for its button
    assert heavy.button(key="dominance.extra.ceiling")
