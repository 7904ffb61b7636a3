"""The 中文 interface in a real browser: every page with ``?lang=zh`` at 1024×768 speaks Chinese (≥ 60 % of the
letters of the visible main text are CJK ideographs), has a Chinese tab title, fits the projector, and a
playing run keeps playing when the language is switched."""

import json

import pytest

from mmplay.i18n import _, language
from mmplay.labs import CATALOG
from tests.e2e.conftest import ARTIFACTS, assert_no_exception, wait_for_app
from tests.e2e.test_projector_e2e import CLIPPED

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1024, 768
MIN_CJK_SHARE = 0.6
CJK_SHARE = """() => {
  const text = document.querySelector('[data-testid="stMain"]').innerText;
  const letters = text.match(/\\p{L}/gu) || [];
  const han = text.match(/\\p{Script=Han}/gu) || [];
  return [han.length / Math.max(letters.length, 1), letters.length];
}"""
# "Step 120 · training…" / "第 120 步 · 训练中…", not the caption "stops at step 5000" / "在第 5000 步停止"
STEP_SHOWN = (
    "() => (document.querySelector('[data-testid=stMain]').innerText.match(/(?:Step |第 ?)(\\d+)(?: ?步)? ·/) || [])[1]"
)


def chinese(message: str) -> str:
    with language("zh"):
        return _(message)


def has_han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def test_every_page_speaks_chinese_on_a_projector(browser, app_url):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    problems, shares = [], {}
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for slug in ["", *(lab.slug for lab in CATALOG)]:
            name = slug or "home"
            page.goto(f"{app_url}/{slug}?lang=zh")
            wait_for_app(page, timeout_ms=120_000)
            if slug:
                page.get_by_role("button", name=chinese("▶ Play")).wait_for(timeout=60_000)
                page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=60_000)
            page.wait_for_timeout(500)
            assert_no_exception(page)
            page.screenshot(path=str(ARTIFACTS / f"zh_{name}_{WIDTH}x{HEIGHT}.png"))
            share, letters = page.evaluate(CJK_SHARE)
            shares[name] = {"cjk_share": round(share, 3), "letters": letters, "title": page.title()}
            if share < MIN_CJK_SHARE:
                problems.append(f"{name}: {share:.0%} of {letters} letters are CJK")
            if not has_han(page.title()):
                problems.append(f"{name}: tab title {page.title()!r}")
            problems += [f"{name}: cut {text!r}" for text in page.evaluate(CLIPPED)]
            if slug:
                box = page.get_by_role("button", name=chinese("▶ Play")).bounding_box()
                if box["y"] + box["height"] > HEIGHT:
                    problems.append(f"{name}: Play ends at {box['y'] + box['height']:.0f} px (screen {HEIGHT})")
    finally:
        context.close()
        (ARTIFACTS / "zh_cjk_share.json").write_text(json.dumps(shares, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not problems, "\n".join(problems)


def test_switching_language_keeps_the_run_playing(page, app_url):
    page.goto(f"{app_url}/synergy?lang=zh&steps=5000")
    wait_for_app(page, timeout_ms=120_000)
    page.get_by_role("button", name=chinese("▶ Play")).click()
    pause_zh = page.get_by_role("button", name=chinese("⏸ Pause"))
    pause_zh.wait_for(timeout=60_000)
    page.wait_for_function(f"() => Number(({STEP_SHOWN})()) > 0", timeout=60_000)
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    pause = page.get_by_role("button", name="⏸ Pause")
    pause.wait_for(timeout=60_000)
    before = int(page.evaluate(STEP_SHOWN))
    page.wait_for_function(f"() => Number(({STEP_SHOWN})()) > {before}", timeout=60_000)
    assert "lang=zh" not in page.url
    assert not has_han(page.title())
    task = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first  # its chosen name too:
    page.wait_for_timeout(1_000)  # "XOR", not the Chinese "XOR（异或）" it kept before the fix
    shown = task.evaluate("e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")
    assert "XOR" in shown and not has_han(shown), shown
    assert_no_exception(page)
