"""Every lab page on a projector (1024×768, light theme) and a 720p screen (dark theme): Play and the main figure
start above the fold, no metric value, button or chart title is cut, and chart text is ≥ 13 px at a contrast of
≥ 4.5:1 against the page."""

import pytest

from mmplay.labs import CATALOG
from tests.e2e.conftest import ARTIFACTS, assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

SCREENS = [(1024, 768, "light"), (1280, 720, "dark")]
MIN_CHART_PX = 13
MIN_CONTRAST = 4.5  # WCAG AA for normal text
STEPPED = "() => /Step [1-9]/.test(document.querySelector('[data-testid=stMain]').innerText)"
MIN_TILE_PX = 160  # a synergy decision-boundary tile, readable from the back of a room

CLIPPED = """() => {
  const cut = el => el.scrollWidth > el.clientWidth + 1;
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetricValue"] *, '
      + '[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] button, '
      + '[data-testid="stMain"] button *')) {
    if (el.clientWidth > 0 && cut(el)) out.push(el.textContent.trim());
  }
  for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const svg = plot.querySelector('svg.main-svg');
    for (const title of plot.querySelectorAll('text.gtitle')) {
      const box = title.getBBox();
      if (box.x < -1 || box.x + box.width > svg.clientWidth + 1) out.push('chart title: ' + title.textContent);
    }
  }
  return out;
}"""

CHART_TEXT = """([minPx, minContrast]) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const lum = c => { const [r, g, b] = c.map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = rgb(getComputedStyle(document.querySelector('.stApp')).backgroundColor);
  const out = [];
  for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    if (plot.querySelector('.imagelayer image')) continue;  // notes on a picture are read against the picture
    for (const el of plot.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, '
        + '.legendtext, .gtitle, .annotation-text, .cbaxis text')) {
      const text = el.textContent.trim();
      if (!text || el.getBBox().width === 0) continue;
      const cs = getComputedStyle(el);
      const size = parseFloat(cs.fontSize), ratio = contrast(rgb(cs.fill), page);
      if (size < minPx || ratio < minContrast) out.push(`${text.slice(0, 30)}: ${size}px, ${ratio.toFixed(2)}:1`);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width,height,theme", SCREENS, ids=[f"{w}x{h}-{t}" for w, h, t in SCREENS])
def test_every_page_fits_a_projector(browser, app_url, width, height, theme):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme)
    page = context.new_page()
    problems = []
    try:
        for lab in CATALOG:
            page.goto(f"{app_url}/{lab.slug}")
            wait_for_app(page, timeout_ms=120_000)
            play = page.get_by_role("button", name="▶ Play")
            play.wait_for(timeout=60_000)
            page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=60_000)
            page.wait_for_timeout(500)
            assert_no_exception(page)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"projector_{lab.slug}_{width}x{height}.png"))
            if lab.slug == CATALOG[0].slug:  # with the sidebar's links and knobs before it, Play is one Tab away
                page.keyboard.press("Tab")
                focused = page.evaluate("document.activeElement.textContent")
                if not focused.startswith("▶ Play"):
                    problems.append(f"{lab.slug}: the first Tab stop is {focused!r}, not Play")
                page.evaluate("document.activeElement.blur()")
            box = play.bounding_box()
            if box["y"] + box["height"] > height:
                problems.append(f"{lab.slug}: Play ends at {box['y'] + box['height']:.0f} px (screen {height})")
            figure = page.locator('[data-testid="stMain"] .js-plotly-plot').first.bounding_box()
            if figure["y"] >= height - 40:
                problems.append(f"{lab.slug}: main figure starts at {figure['y']:.0f} px (screen {height})")
            problems += [f"{lab.slug}: cut {text!r}" for text in page.evaluate(CLIPPED)]
            faint = page.evaluate(CHART_TEXT, [MIN_CHART_PX, MIN_CONTRAST])
            problems += [f"{lab.slug} ({theme}): chart text {text}" for text in faint]
            if lab.slug == "synergy":  # the mosaic is 3 tiles wide
                tile = page.locator('[data-testid="stMain"] .js-plotly-plot image').first.bounding_box()["width"] / 3
                if tile < MIN_TILE_PX:
                    problems.append(f"synergy: tiles {tile:.0f} px wide (want ≥ {MIN_TILE_PX})")
            if theme == "light":  # once trained, charts hold other numbers (deltas, log ranges): read them again
                page.get_by_role("button", name="⏭ Step").click()
                page.wait_for_function(STEPPED, timeout=120_000)
                wait_for_app(page, timeout_ms=120_000)
                page.wait_for_timeout(1500)
                problems += [f"{lab.slug} (trained): cut {text!r}" for text in page.evaluate(CLIPPED)]
                faint = page.evaluate(CHART_TEXT, [MIN_CHART_PX, MIN_CONTRAST])
                problems += [f"{lab.slug} (trained): chart text {text}" for text in faint]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
