"""Page CSS: a layout that fits a 1024×768 projector, and the view's hidden parts and presentation mode.

Streamlit's defaults leave 6 rem above the title and 5 rem at each side of a wide page, and draw the title
at 2.75 rem: at 1024×768 that pushes the live panel below the fold. The rules here take that room back;
metric values shrink with the window instead of being cut to "51.…", and metric labels wrap.

Chart text: Streamlit's Plotly theme draws tick labels and axis titles in a faded grey (3.7:1 on white); the
rule here draws them, and legends, in the page's own text colour (``currentColor``: dark on the light theme,
light on the dark one), so they read on a projector in either theme; so are notes in that theme grey (a note
with its own colour, such as a tile title on a white band, keeps it).
"""

from __future__ import annotations

import streamlit as st

from mmplay.view import View

PROJECTOR_CSS = """
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; padding-bottom: 4rem; }
@media (max-width: 1400px) {
  [data-testid="stMainBlockContainer"] { padding-left: 1.5rem; padding-right: 1.5rem; }
}
[data-testid="stMain"] h1 { font-size: 2rem; padding: 0.25rem 0 0.5rem 0; }
[data-testid="stMain"] h2 { font-size: 1.5rem; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.7rem; }
[data-testid="stMetricValue"] { font-size: clamp(1.15rem, 2.1vw, 2.25rem); }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div { white-space: normal; overflow: visible; }
.stPlotlyChart :is(.xtick, .ytick, .g-xtitle, .g-ytitle, .cbaxis, .colorbar) text,
.stPlotlyChart .legendtext { fill: currentColor !important; }
.stPlotlyChart .annotation-text[style*="fill: rgb(128, 132, 149)"] { fill: currentColor !important; }
"""
HIDE_SIDEBAR_CSS = '[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }'
PLAY_FIRST_JS = """<script>
if (!window.mmplayPlayFirst) {
  window.mmplayPlayFirst = true;
  const mark = () => document.querySelectorAll('[class*="-run-play"] button, [class*="-run-pause"] button')
    .forEach(button => { if (button.tabIndex !== 1) button.tabIndex = 1; });
  new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
  mark();
}
</script>"""  # Play / Pause: the first Tab stop of the page, before the sidebar's ~20 links and knobs
PRESENT_CSS = 'html { font-size: 18px; } [data-testid="stMain"] h1 { font-size: 2.2rem; }'


def page_style(view: View | None = None) -> None:
    """Inject the projector layout, plus the view's presentation type size and hidden sidebar; make Play (or
    Pause) the first Tab stop."""
    rules = [PROJECTOR_CSS]
    if view is not None and view.present:
        rules.append(PRESENT_CSS)
    if view is not None and view.hides("sidebar"):
        rules.append(HIDE_SIDEBAR_CSS)
    st.html(f"<style>{''.join(rules)}</style>{PLAY_FIRST_JS}", unsafe_allow_javascript=True)
