"""Home: what multimodal learning is made of, and a door to every lab."""

import streamlit as st

from mmplay.i18n import N_, _
from mmplay.labs import CATALOG
from mmplay.labs.lessons import lessons, step_query
from mmplay.ui.language import language_param
from mmplay.ui.style import page_style

page_style()

st.title(_("🎛️ mmplay — a playground for multimodal learning"))
st.markdown(
    _(
        "Press **Play**, move a slider, and watch small PyTorch models learn from two modalities at once. "
        "Every number on these pages is computed live, from a seed you can change — nothing is drawn from memory."
    )
)

st.subheader(_("Why combine modalities at all?"))
st.markdown(
    _(
        "**Synergy** — two observers who each see one coordinate of an XOR task can do no better than a coin "
        "flip; together, with the interaction feature *x·y*, they are perfect. 1 + 1 > 2."
    )
)

pillars = {  # the pillar names are the lab catalog's (mmplay.labs.CATALOG)
    N_("Representation & alignment"): N_(
        "Turn each modality into vectors, then make the two spaces speak one language "
        "(Procrustes, contrastive learning)."
    ),
    N_("Fusion"): N_(
        "Combine the evidence: add logits, multiply or mix experts, let one modality attend to the other."
    ),
    N_("Robustness"): N_("Real data is noisy, lopsided and incomplete: gate, rebalance, and survive missing inputs."),
}
cols = st.columns(len(pillars))
for col, (pillar, text) in zip(cols, pillars.items()):
    with col.container(border=True):
        st.markdown(f"### {_(pillar)}\n{_(text)}")

st.subheader(_("Lessons for a class"))
st.markdown(
    _(
        "A lesson walks a class through several labs, one question at a time: ask it, let everyone predict, then "
        "press **▶ Play** (or Space). Each step is a link — open it on the projector, or send it to the students."
    )
)
for lesson in lessons().values():
    with st.container(border=True):
        row = st.container(horizontal=True, vertical_alignment="center")
        row.page_link(
            f"app_pages/{lesson.steps[0].page}.py",
            label=_("**{title}** · {count} steps", title=_(lesson.title), count=len(lesson.steps)),
            icon="📚",
            query_params=step_query(lesson, 1) | language_param(),
        )
        row.page_link(
            f"app_pages/{lesson.steps[0].page}.py",
            label=_("present on a projector"),
            icon="📽️",
            query_params=step_query(lesson, 1, present=True) | language_param(),
        )
        st.caption(_(lesson.summary))

st.subheader(_("Labs"))
for lab in CATALOG:
    with st.container(border=True):
        st.page_link(f"app_pages/{lab.slug}.py", label=f"**{lab.title}** — {lab.question}", icon=lab.icon)
        st.caption(str(lab.pillar))
