"""mmplay entry point: page config, navigation over pages/, the device badge, a warm-up."""

import streamlit as st

from mmplay.ui.catalog import LABS
from mmplay.ui.runtime import device_badge, start_warm_up

st.set_page_config(page_title="mmplay — multimodal learning playground", page_icon="🎛️", layout="wide")

home = st.Page("pages/home.py", title="Home", icon="🏠", default=True)
labs = [st.Page(f"pages/{lab.slug}.py", title=lab.title, icon=lab.icon, url_path=lab.slug) for lab in LABS]
navigation = st.navigation({"mmplay": [home], "Labs": labs})
navigation.run()
device_badge()
start_warm_up()
