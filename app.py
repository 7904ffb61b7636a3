"""mmplay entry point: page config, navigation over app_pages/ (not pages/: see README), the device badge, a warm-up."""

import streamlit as st

from mmplay.labs import CATALOG
from mmplay.ui.runtime import device_badge, freeze_after_first_view, start_warm_up

st.set_page_config(page_title="mmplay — multimodal learning playground", page_icon="🎛️", layout="wide")

home = st.Page("app_pages/home.py", title="Home", icon="🏠", default=True)
labs = [st.Page(f"app_pages/{lab.slug}.py", title=lab.title, icon=lab.icon, url_path=lab.slug) for lab in CATALOG]
navigation = st.navigation({"mmplay": [home], "Labs": labs})
navigation.run()
device_badge()
start_warm_up()
freeze_after_first_view(navigation.url_path)
