"""The baseline for browser benchmarks: a trivial one-slider Streamlit app with one Plotly chart."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Reference app")
frequency = st.slider("frequency", 0.0, 1.0, 0.3, 0.01, key="noise")
x = np.linspace(0, 10, 200)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin((1 + frequency) * x))), key="chart")
