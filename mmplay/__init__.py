"""mmplay — a browser playground for multimodal learning (core package, no Streamlit)."""

__version__ = "0.1.0"
