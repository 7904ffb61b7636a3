"""Alignment lab page: Procrustes, three maps on held-out pairs, PCA/UMAP views, your own embeddings."""

import hashlib

import streamlit as st

from mmplay.data.uploads import MAX_BYTES, MAX_COLS, MAX_ROWS, UploadError, load_pair
from mmplay.labs import alignment as lab
from mmplay.train import history_rows
from mmplay.ui.controls import sidebar_config
from mmplay.ui.export import export_button, export_zip
from mmplay.ui.live import live_state, training_panel
from mmplay.ui.page import lab_header
from mmplay.ui.runtime import start_umap_warm_up
from mmplay.viz import alignment as viz

lab_header(
    "alignment",
    "Alignment: overlaying two embedding spaces",
    "Procrustes finds the best rotation; held-out residuals say whether a linear map is enough.",
)
start_umap_warm_up()
config = sidebar_config(
    lab.Config,
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
    key="alignment",
)

with st.expander("📤 Bring your own embeddings", expanded=False):
    st.caption(
        f"Two files whose rows are the same items in the same order: .npy (no pickles), .csv or .tsv; "
        f"numbers only (a header line is fine), at most {MAX_ROWS:,} rows × {MAX_COLS:,} columns and "
        f"{MAX_BYTES // 1024 // 1024} MB each. Files stay in memory for this session only."
    )
    cols = st.columns(2)
    file_a = cols[0].file_uploader("Set A", type=["npy", "csv", "tsv"], key="alignment.upload_a")
    file_b = cols[1].file_uploader("Set B", type=["npy", "csv", "tsv"], key="alignment.upload_b")

pair, source = None, config.preset
if file_a is not None and file_b is not None:
    try:
        a, b = load_pair(file_a.name, file_a.getvalue(), file_b.name, file_b.getvalue())
        pair = lab.uploaded_pair(a, b)
        digest = hashlib.sha1(file_a.getvalue() + file_b.getvalue()).hexdigest()[:12]
        source = f"upload:{digest}"
        st.success(f"Using your files: {len(a):,} paired items, {a.shape[1]} and {b.shape[1]} dimensions.")
        if a.shape[1] != b.shape[1]:
            st.info(
                f"Widths differ ({a.shape[1]} vs {b.shape[1]}): the narrower set is zero-padded to "
                f"{max(a.shape[1], b.shape[1])} dimensions before Procrustes."
            )
    except UploadError as err:
        st.error(f"That upload cannot be used: {err}. The preset stays in use.")
elif file_a is not None or file_b is not None:
    st.info("Upload both files (A and B) to align your own embeddings.")

state = live_state("alignment.run", (config, source), lambda key: lab.build(key[0], pair))


def figures(run: lab.AlignmentRun, method: str = "pca") -> dict:
    view = lab.views(run, method)
    residuals = {k.split(".")[1]: v for k, v in lab.held_out(run).items()}
    return {
        "before": viz.pair_view(*view["before"], run.pair.labels, f"Before alignment ({method.upper()})"),
        "after": viz.pair_view(*view["after"], run.pair.labels, f"After Procrustes ({method.upper()})"),
        "bars": viz.residual_bars(residuals),
        "hist": viz.residual_histogram(lab.item_residuals(run)),
    }


def render(run: lab.AlignmentRun) -> None:
    residuals = {k.split(".")[1]: v for k, v in lab.held_out(run).items()}
    verdict = lab.verdict(residuals)
    best_linear = min(residuals["orthogonal"], residuals["linear"])
    text = "✅ a linear map suffices" if verdict == "linear" else "🌀 needs a nonlinear map"
    st.markdown(f"### Verdict: {text}")
    if run.trainer.steps_done == 0:
        st.info("The MLP map has not been trained yet — press ▶ Play (or ⏭ Step) before trusting the verdict.")
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


@st.cache_data(show_spinner=False, max_entries=16)
def significance(source: str, config: lab.Config, _run: lab.AlignmentRun) -> dict:
    return {
        "p_value": lab.permutation_p_value_of(_run),
        "rotation_error": lab.rotation_error(_run),
        "disparity": lab.full_fit(_run).disparity,
    }


stats = significance(source, config, state.run)
cards = st.columns(3)
cards[0].metric("permutation p-value", f"{stats['p_value']:.3f}", help=f"{config.permutations} random re-pairings")
cards[1].metric(
    "rotation error ‖R − R*‖/√d", "—" if stats["rotation_error"] is None else f"{stats['rotation_error']:.4f}"
)
cards[2].metric("Procrustes disparity", f"{stats['disparity']:.3f}", help="scipy.spatial.procrustes's definition")
if stats["p_value"] > 0.05:
    st.warning(
        "p > 0.05: the real pairing is no better than random re-pairings — there is no alignment to speak "
        "of, so the verdict below means nothing."
    )

training_panel("alignment.run", state, lambda key: lab.build(key[0], pair), render, max_steps=5000, default_speed=50)

st.subheader("UMAP view")
st.caption(
    "UMAP keeps local neighbourhoods; it takes a second or two (the first view of a fresh server is "
    "prepared in the background at start-up)."
)
if st.button("Compute the UMAP view", key="alignment.umap"):
    with st.spinner("Running UMAP…"):
        umap_figs = figures(state.run, "umap")
    left, right = st.columns(2)
    left.plotly_chart(umap_figs["before"], key="alignment.chart.umap_before")
    right.plotly_chart(umap_figs["after"], key="alignment.chart.umap_after")
export_button(
    "alignment",
    lambda: export_zip("alignment", config, history_rows(state.run.trainer.history), figures(state.run)),
    key="alignment.export",
)
