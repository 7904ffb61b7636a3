"""Synergy lab page: six models on the XOR corners, live."""

import streamlit as st

from mmplay.i18n import _, current_language
from mmplay.labs import synergy as lab
from mmplay.labs.declaration import nested
from mmplay.train import history_rows
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import synergy as viz
from mmplay.viz.common import line_chart


@st.cache_data
def pid_figure(preset: str, language: str):
    """The PID bars of a preset, drawn once per preset and language (``language`` keys the cache)."""
    return viz.pid_figure(lab.pid_bits(preset))


page = LabPage.open(
    "synergy",
    _("Synergy: when 1 + 1 > 2"),
    _("Each modality alone is a coin flip on XOR; the interaction x·y makes it linearly separable."),
    _("Data & models"),
    {
        "preset": _("Task"),
        "noise": _("Noise σ"),
        "n_points": _("Points per split"),
        "mlp_width": _("MLP width"),
        "lr": _("Learning rate"),
        "seed": _("Seed"),
    },
)
config, state = page.config, page.state
prediction = page.predict(
    "synergy.predict",
    _(
        "on the **{task}** task, which models will reach ≥ {target:.0%} test accuracy?",
        task=_(lab.PRESET_NAMES[config.preset]),
        target=lab.SOLVED,
    ),
    viz.model_labels(),
)


def figures(run: lab.SynergyRun, lifted: bool = True) -> dict:
    metrics = lab.metrics(run, run.config)
    points, labels = lab.test_points(run)
    rows = history_rows(run.trainer.history[1:])
    names = viz.model_labels()
    figs = {
        "boundaries": viz.boundaries_figure(lab.decision_grids(run), points, labels, nested(metrics, "test_accuracy")),
        "accuracy": viz.accuracy_figure(nested(metrics, "train_accuracy"), nested(metrics, "test_accuracy")),
        "loss": line_chart(
            [r["step"] for r in rows],
            {label: [r[f"loss.{n}"] for r in rows] for n, label in names.items() if rows},
            title=_("Training loss"),
            x_title=_("step"),
            y_title=_("BCE loss"),
            markers=False,
        ),
    }
    if lifted:
        figs["lifted"] = viz.lifted_figure(points, labels, lab.interaction_plane(run))
    return figs


def render(run: lab.SynergyRun) -> None:
    metrics = lab.metrics(run, run.config)
    show_3d = st.session_state.get("synergy.show3d", False) and not st.session_state["synergy.run"].playing
    figs = figures(run, lifted=show_3d)
    st.plotly_chart(figs["boundaries"], key="synergy.boundaries")
    left, right = st.columns(2)
    left.plotly_chart(figs["accuracy"], key="synergy.accuracy")
    if run.trainer.steps_done:
        right.plotly_chart(figs["loss"], key="synergy.loss")
    else:
        right.caption(_("Training loss curves appear once training starts (▶ Play or ⏭ Step)."))
    if prediction is not None and run.trainer.steps_done > 0:
        grade_prediction("synergy.predict", prediction, lab.solved_models(metrics), viz.model_labels())
    st.toggle(
        _("Show the lifted 3-D space (x, y, x·y)"),
        key="synergy.show3d",
        help=_("A WebGL scene: heavy on slow machines, so it is drawn on demand and only while paused."),
    )
    if show_3d:
        st.plotly_chart(figs["lifted"], key="synergy.lifted")
    elif st.session_state.get("synergy.show3d"):
        st.caption(_("The 3-D view redraws when you pause (it is heavy to redraw on every tick)."))


page.train(render)

st.subheader(_("Where is the information? (partial information decomposition)"))
pid = lab.pid_bits(config.preset)
left, right = st.columns([2, 3])
left.plotly_chart(pid_figure(config.preset, current_language()), key="synergy.pid")
right.markdown(
    _(
        "For the noise-free **{gate}** gate: redundancy **{redundancy:.3f}** bits, unique to A **{unique_a:.3f}**, "
        "unique to B **{unique_b:.3f}**, synergy **{synergy:.3f}** bits (Williams–Beer I_min). Synergy is "
        "information that neither modality holds alone — only the pair does. XOR is pure synergy: 1 bit, and "
        "nothing anywhere else.",
        gate=_(lab.PRESET_NAMES[config.preset]),
        **pid,
    )
)
page.export(figures)
