"""Alignment lab page: Procrustes, three maps on held-out pairs, PCA/UMAP views, your own embeddings."""

import hashlib

import streamlit as st

from mmplay.data.uploads import MAX_BYTES, MAX_COLS, MAX_ROWS, UploadError, load_pair
from mmplay.i18n import _
from mmplay.labs import alignment as lab
from mmplay.ui.cards import card_row
from mmplay.ui.lab_page import LabPage
from mmplay.ui.runtime import start_umap_warm_up
from mmplay.viz import alignment as viz


def uploaded(config: lab.Config) -> tuple[str, object]:
    """The user's two files as an embedding pair (``("upload:<hash>", pair)``), or the preset's name."""
    with st.expander(_("📤 Bring your own embeddings"), expanded=False):
        st.caption(
            _(
                "Two files whose rows are the same items in the same order: .npy (no pickles), .csv or .tsv "
                "(comma, tab, or semicolon with decimal commas); numbers only (a header line is fine), "
                "{min_rows}–{max_rows:,} rows × at most {max_cols:,} columns and {max_mb} MB each. "
                "Files stay in memory for this session only.",
                min_rows=lab.MIN_HELD_OUT * 2,
                max_rows=MAX_ROWS,
                max_cols=MAX_COLS,
                max_mb=MAX_BYTES // 1024 // 1024,
            )
        )
        cols = st.columns(2)
        file_a = cols[0].file_uploader(_("Set A"), type=["npy", "csv", "tsv"], key="alignment.upload_a")
        file_b = cols[1].file_uploader(_("Set B"), type=["npy", "csv", "tsv"], key="alignment.upload_b")
    if file_a is None or file_b is None:
        if file_a is not None or file_b is not None:
            st.info(_("Upload both files (A and B) to align your own embeddings."))
        return config.preset, None
    try:
        loaded = load_pair(file_a.name, file_a.getvalue(), file_b.name, file_b.getvalue())
    except UploadError as err:
        st.error(_("That upload cannot be used: {error}. The preset stays in use.", error=err))
        return config.preset, None
    a, b = loaded.a, loaded.b
    st.success(
        _(
            "Using your files: {items:,} paired items, {dim_a} and {dim_b} dimensions.",
            items=len(a),
            dim_a=a.shape[1],
            dim_b=b.shape[1],
        )
    )
    for note in loaded.notes:
        st.info(note)
    if a.shape[1] != b.shape[1]:
        st.info(
            _(
                "Widths differ ({dim_a} vs {dim_b}): the narrower set is zero-padded to {width} dimensions "
                "before Procrustes.",
                dim_a=a.shape[1],
                dim_b=b.shape[1],
                width=max(a.shape[1], b.shape[1]),
            )
        )
    digest = hashlib.sha1(file_a.getvalue() + file_b.getvalue()).hexdigest()[:12]
    return f"upload:{digest}", lab.uploaded_pair(a, b)


def uploads_in_use() -> dict[str, str]:
    """The preset's knobs that your two uploaded files replace (both are in), each with the reason."""
    both = st.session_state.get("alignment.upload_a") and st.session_state.get("alignment.upload_b")
    reason = _("Not used now: your uploaded files replace the preset.")
    return dict.fromkeys(("preset", "n", "dim", "noise", "warp"), reason) if both else {}


page = LabPage.open(
    "alignment",
    _("Alignment: overlaying two embedding spaces"),
    _("Procrustes finds the best rotation; held-out residuals say whether a linear map is enough."),
    _("Embeddings & maps"),
    {
        "preset": _("Preset"),
        "n": _("Items"),
        "dim": _("Dimensions"),
        "noise": _("Noise on B"),
        "warp": _("Warp strength β"),
        "hidden": _("MLP hidden units"),
        "lr": _("MLP learning rate"),
        "seed": _("Seed"),
    },
    data=uploaded,
    inapplicable=uploads_in_use(),
)
start_umap_warm_up()
config = page.config


def view_figures(run: lab.AlignmentRun, method: str = "pca") -> dict:
    """The two sets projected together, before and after the closed-form Procrustes fit (no training in them)."""
    view = lab.views(run, method)
    return {
        "before": viz.pair_view(*view["before"], _("Before alignment ({method})", method=method.upper())),
        "after": viz.pair_view(*view["after"], _("After Procrustes ({method})", method=method.upper())),
    }


def figures(run: lab.AlignmentRun, method: str = "pca") -> dict:
    residuals = {k.split(".")[1]: v for k, v in lab.held_out(run).items()}
    return {
        **view_figures(run, method),
        "bars": viz.residual_bars(residuals),
        "hist": viz.residual_histogram(lab.item_residuals(run)),
    }


def draw_views(figs: dict, suffix: str = "") -> None:
    left, right = st.columns(2)
    left.plotly_chart(figs["before"], key=f"alignment.chart.{suffix}before")
    right.plotly_chart(figs["after"], key=f"alignment.chart.{suffix}after")


def render(run: lab.AlignmentRun) -> None:
    residuals = {k.split(".")[1]: v for k, v in lab.held_out(run).items()}
    best_linear = min(residuals["orthogonal"], residuals["linear"])
    verdicts = {
        "untrained": _("⏳ press ▶ Play: the MLP map must train before the maps can be compared"),
        "linear": _("✅ a linear map suffices"),
        "nonlinear": _("🌀 needs a nonlinear map"),
    }
    st.markdown("#### " + _("Verdict: {verdict}", verdict=verdicts[lab.verdict(run)]))
    st.caption(
        _(
            "Scored on {test:,} held-out pairs (trained on {train:,}).",
            test=len(run.test_idx),
            train=len(run.train_idx),
        )
    )
    cards = card_row()
    labels = {"orthogonal": _("rotation + scale"), "linear": _("general linear"), "mlp": _("MLP (trained live)")}
    for key, label in labels.items():
        cards.metric(_("held-out residual · {map}", map=label), f"{residuals[key]:.3f}")
    st.caption(
        _(
            "Nonlinear when the MLP's residual is below {gain} × the best linear one ({threshold:.3f}).",
            gain=lab.NONLINEAR_GAIN,
            threshold=lab.NONLINEAR_GAIN * best_linear,
        )
    )
    left, right = st.columns(2)
    left.plotly_chart(viz.residual_bars(residuals), key="alignment.chart.bars")
    right.plotly_chart(viz.residual_histogram(lab.item_residuals(run)), key="alignment.chart.hist")
    with right:
        st.caption(_("Worst-aligned items (full Procrustes fit)"))
        columns = {"item": _("item"), "cluster": _("cluster"), "residual": _("residual")}
        st.dataframe(lab.worst_items(run), hide_index=True, height=200, column_config=columns)


page.train(render)
# Outside the live panel: the PCA views do not change while the MLP map trains, so a tick does not rebuild and
# resend them (11 ms of projections and two 8 KB charts per tick before).
draw_views(view_figures(page.run))

st.subheader(_("Is the pairing real? (closed forms, no training)"))
stats = page.extra("significance")
rotation_error = lab.rotation_error(page.run)
cards = st.columns(3)
if stats is not None:
    cards[0].metric(
        _("permutation p-value"),
        f"{stats['p_value']:.3f}",
        help=_(
            "{permutations} random re-pairings of {items:,} items",
            permutations=stats["permutations"],
            items=stats["items"],
        ),
    )
    if stats["items"] < len(page.run.a) or stats["permutations"] < config.permutations:
        st.caption(
            _(
                "The permutation test re-pairs a random subsample of {items:,} items {permutations} times "
                "(capped to keep it within a few seconds).",
                items=stats["items"],
                permutations=stats["permutations"],
            )
        )
cards[1].metric(_("rotation error ‖R − R*‖/√d"), "—" if rotation_error is None else f"{rotation_error:.4f}")
cards[2].metric(
    _("Procrustes disparity"), f"{page.run.fit.disparity:.3f}", help=_("scipy.spatial.procrustes's definition")
)
if stats is not None and stats["p_value"] > 0.05:
    st.warning(
        _(
            "p > 0.05: the real pairing is no better than random re-pairings — there is no alignment to speak "
            "of, so the verdict above means nothing."
        )
    )


st.subheader(_("UMAP view"))
st.caption(
    _(
        "UMAP keeps local neighbourhoods; it takes a second or two (the first view of a fresh server is "
        "prepared in the background at start-up)."
    )
)
if st.button(_("Compute the UMAP view"), key="alignment.umap"):
    with st.spinner(_("Running UMAP…")):
        umap_figs = view_figures(page.run, "umap")
    draw_views(umap_figs, "umap_")
page.export(figures)
