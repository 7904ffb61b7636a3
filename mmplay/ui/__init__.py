"""The only place that imports Streamlit: controls, live training panel, URL state, export."""
