"""mmplay entry point: page config, navigation over app_pages/ (not pages/: see README), the device badge, a warm-up."""

# pandas is imported whole here, on the script thread, before the warm-up thread starts: two threads importing
# it at once (a page's plotly and the warm-up's labs) met a partially initialised module on a fresh worker.
import pandas  # noqa: F401
import streamlit as st

from mmplay.i18n import _
from mmplay.labs import CATALOG
from mmplay.ui.language import choose_language, language_switch
from mmplay.ui.runtime import device_badge, freeze_after_first_view, restarted_notice, start_warm_up, worker_badge

choose_language()
presenting = st.query_params.get("present") in ("1", "true") or "sidebar" in st.query_params.get("hide", "")
home = st.Page("app_pages/home.py", title=_("Home"), icon="🏠", default=True)
labs = [st.Page(f"app_pages/{lab.slug}.py", title=str(lab.title), icon=lab.icon, url_path=lab.slug) for lab in CATALOG]
navigation = st.navigation({"mmplay": [home], _("Labs"): labs})
st.set_page_config(  # the browser tab names the lab (in the session's language), so a row of tabs can be told apart
    page_title=_("mmplay — multimodal learning playground")
    if navigation is home
    else _("{lab} · mmplay", lab=navigation.title),
    page_icon="🎛️",
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)
language_switch()
restarted_notice()
navigation.run()
device_badge()
worker_badge()
start_warm_up()
freeze_after_first_view(navigation.url_path)
