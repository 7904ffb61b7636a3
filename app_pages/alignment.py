"""Alignment lab page: Procrustes, three maps on held-out pairs, PCA/UMAP views, your own embeddings."""

import hashlib

import streamlit as st

from mmplay.data.uploads import MAX_BYTES, MAX_COLS, MAX_ROWS, UploadError, load_pair
from mmplay.labs import alignment as lab
from mmplay.ui.lab_page import LabPage
from mmplay.ui.runtime import start_umap_warm_up
from mmplay.viz import alignment as viz


def uploaded(config: lab.Config) -> tuple[str, object]:
    """The user's two files as an embedding pair (``("upload:<hash>", pair)``), or the preset's name."""
    with st.expander("📤 Bring your own embeddings", expanded=False):
        st.caption(
            f"Two files whose rows are the same items in the same order: .npy (no pickles), .csv or .tsv "
            f"(comma, tab, or semicolon with decimal commas); numbers only (a header line is fine), "
            f"{lab.MIN_HELD_OUT * 2}–{MAX_ROWS:,} rows × at most {MAX_COLS:,} columns and "
            f"{MAX_BYTES // 1024 // 1024} MB each. Files stay in memory for this session only."
        )
        cols = st.columns(2)
        file_a = cols[0].file_uploader("Set A", type=["npy", "csv", "tsv"], key="alignment.upload_a")
        file_b = cols[1].file_uploader("Set B", type=["npy", "csv", "tsv"], key="alignment.upload_b")
    if file_a is None or file_b is None:
        if file_a is not None or file_b is not None:
            st.info("Upload both files (A and B) to align your own embeddings.")
        return config.preset, None
    try:
        loaded = load_pair(file_a.name, file_a.getvalue(), file_b.name, file_b.getvalue())
    except UploadError as err:
        st.error(f"That upload cannot be used: {err}. The preset stays in use.")
        return config.preset, None
    a, b = loaded.a, loaded.b
    st.success(f"Using your files: {len(a):,} paired items, {a.shape[1]} and {b.shape[1]} dimensions.")
    for note in loaded.notes:
        st.info(note)
    if a.shape[1] != b.shape[1]:
        st.info(
            f"Widths differ ({a.shape[1]} vs {b.shape[1]}): the narrower set is zero-padded to "
            f"{max(a.shape[1], b.shape[1])} dimensions before Procrustes."
        )
    digest = hashlib.sha1(file_a.getvalue() + file_b.getvalue()).hexdigest()[:12]
    return f"upload:{digest}", lab.uploaded_pair(a, b)


def uploads_in_use() -> dict[str, str]:
    """The preset's knobs that your two uploaded files replace (both are in), each with the reason."""
    both = st.session_state.get("alignment.upload_a") and st.session_state.get("alignment.upload_b")
    reason = "Not used now: your uploaded files replace the preset."
    return dict.fromkeys(("preset", "n", "dim", "noise", "warp"), reason) if both else {}


page = LabPage.open(
    "alignment",
    "Alignment: overlaying two embedding spaces",
    "Procrustes finds the best rotation; held-out residuals say whether a linear map is enough.",
    "Embeddings & maps",
    {
        "preset": "Preset",
        "n": "Items",
        "dim": "Dimensions",
        "noise": "Noise on B",
        "warp": "Warp strength β",
        "hidden": "MLP hidden units",
        "lr": "MLP learning rate",
        "seed": "Seed",
    },
    data=uploaded,
    inapplicable=uploads_in_use(),
)
start_umap_warm_up()
config = page.config


def figures(run: lab.AlignmentRun, method: str = "pca") -> dict:
    view = lab.views(run, method)
    residuals = {k.split(".")[1]: v for k, v in lab.held_out(run).items()}
    return {
        "before": viz.pair_view(*view["before"], f"Before alignment ({method.upper()})"),
        "after": viz.pair_view(*view["after"], f"After Procrustes ({method.upper()})"),
        "bars": viz.residual_bars(residuals),
        "hist": viz.residual_histogram(lab.item_residuals(run)),
    }


def render(run: lab.AlignmentRun) -> None:
    residuals = {k.split(".")[1]: v for k, v in lab.held_out(run).items()}
    best_linear = min(residuals["orthogonal"], residuals["linear"])
    verdicts = {
        "untrained": "⏳ press ▶ Play: the MLP map must train before the maps can be compared",
        "linear": "✅ a linear map suffices",
        "nonlinear": "🌀 needs a nonlinear map",
    }
    st.markdown(f"#### Verdict: {verdicts[lab.verdict(run)]}")
    st.caption(f"Scored on {len(run.test_idx):,} held-out pairs (trained on {len(run.train_idx):,}).")
    cards = st.columns(3)
    labels = {"orthogonal": "rotation + scale", "linear": "general linear", "mlp": "MLP (trained live)"}
    for card, (key, label) in zip(cards, labels.items()):
        card.metric(f"held-out residual · {label}", f"{residuals[key]:.3f}")
    st.caption(
        f"Nonlinear when the MLP's residual is below {lab.NONLINEAR_GAIN} × the best linear one "
        f"({lab.NONLINEAR_GAIN * best_linear:.3f})."
    )
    figs = figures(run)
    left, right = st.columns(2)
    left.plotly_chart(figs["bars"], key="alignment.chart.bars")
    right.plotly_chart(figs["hist"], key="alignment.chart.hist")
    with right:
        st.caption("Worst-aligned items (full Procrustes fit)")
        st.dataframe(lab.worst_items(run), hide_index=True, height=200)
    left, right = st.columns(2)
    left.plotly_chart(figs["before"], key="alignment.chart.before")
    right.plotly_chart(figs["after"], key="alignment.chart.after")


page.train(render)

st.subheader("Is the pairing real? (closed forms, no training)")
stats = page.extra("significance")
rotation_error = lab.rotation_error(page.run)
cards = st.columns(3)
if stats is not None:
    cards[0].metric(
        "permutation p-value",
        f"{stats['p_value']:.3f}",
        help=f"{stats['permutations']} random re-pairings of {stats['items']:,} items",
    )
    if stats["items"] < len(page.run.a) or stats["permutations"] < config.permutations:
        st.caption(
            f"The permutation test re-pairs a random subsample of {stats['items']:,} items "
            f"{stats['permutations']} times (capped to keep it within a few seconds)."
        )
cards[1].metric("rotation error ‖R − R*‖/√d", "—" if rotation_error is None else f"{rotation_error:.4f}")
cards[2].metric("Procrustes disparity", f"{page.run.fit.disparity:.3f}", help="scipy.spatial.procrustes's definition")
if stats is not None and stats["p_value"] > 0.05:
    st.warning(
        "p > 0.05: the real pairing is no better than random re-pairings — there is no alignment to speak "
        "of, so the verdict above means nothing."
    )


st.subheader("UMAP view")
st.caption(
    "UMAP keeps local neighbourhoods; it takes a second or two (the first view of a fresh server is "
    "prepared in the background at start-up)."
)
if st.button("Compute the UMAP view", key="alignment.umap"):
    with st.spinner("Running UMAP…"):
        umap_figs = figures(page.run, "umap")
    left, right = st.columns(2)
    left.plotly_chart(umap_figs["before"], key="alignment.chart.umap_before")
    right.plotly_chart(umap_figs["after"], key="alignment.chart.umap_after")
page.export(figures)
