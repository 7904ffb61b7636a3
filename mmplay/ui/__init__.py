"""The only place that imports Streamlit: controls, live training panel, URL state, export."""

from mmplay.ui import language  # noqa: F401  (installs the session's language as mmplay.i18n's source)
