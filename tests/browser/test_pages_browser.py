"""A reader in headless Chromium: home -> plan -> action -> organisation -> back, with the mouse and the keyboard,
on a real server (``essgraph serve``: the browser needs a socket). Checks what is seen, that links work, that
hostile literals never run, contrast and small screens. Needs Debian's chromium (skipped with the reason when it is
missing)."""

from __future__ import annotations

import pytest

from support.browser import Browser, chromium_path

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")]

PLAN = "id/plan/ville-test-2024"
ACTION = "id/plan/ville-test-2024/action/1.1"
ORGANISATION = "id/organisation/epicerie-solidaire"


@pytest.fixture(scope="module")
def live(builds):
    """The session's real server of the pages fixture project, on the port its base IRI names."""
    return builds["pages"].real_server()


@pytest.fixture(scope="module")
def browser():
    with Browser() as chromium:
        yield chromium


def test_walk_home_plan_action_organisation_and_back(live, browser, tmp_path):
    page = browser.new_page()
    page.goto(live.base)
    assert page.text("h1") == "Plans municipaux d'économie sociale et solidaire"
    assert "Ville-Test, ville solidaire" in page.text("main")

    page.click(f'main a[href="{live.base}{PLAN}"]')
    assert page.url == live.base + PLAN
    assert page.text("h1") == "Ville-Test, ville solidaire"
    seen = page.text("main")
    assert "Axe 1 — Connaître et soutenir les acteurs" in seen and "Jardins partagés" in seen

    page.click(f'main a[href="{live.base}{ACTION}"]')
    assert page.url == live.base + ACTION
    assert page.text("h1") == "Logistique de la solidarité alimentaire"
    seen = page.text("main")
    for shown in ("Fiche action 1.1", "Pilotes et partenaires", "Épicerie solidaire du Centre", "Partenaire",
                  "Du 1er octobre 2024 au 31 décembre 2024", "Cible : estimation à 30%", "Loi ESS",
                  "Titre divergent", "Provenance"):
        assert shown in seen, shown
    assert page.texts(".crumbs li")[:2] == ["Accueil", "Ville-Test, ville solidaire"]
    shot = page.screenshot(tmp_path / "action.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000

    page.click(f'.orgs a[href="{live.base}{ORGANISATION}"]')
    assert page.url == live.base + ORGANISATION
    assert page.text("h1") == "Épicerie solidaire du Centre"
    seen = page.text("main")
    assert "Ses actions" in seen and "Logistique de la solidarité alimentaire" in seen
    assert "Soutenir la recyclerie" in seen   # the same organisation in the other plan

    page.back()
    assert page.url == live.base + ACTION and page.text("h1") == "Logistique de la solidarité alimentaire"
    page.back()
    assert page.url == live.base + PLAN
    page.back()
    assert page.url == live.base and "Les plans" in page.text("main")
    assert page.errors == []


def test_the_keyboard_reaches_the_content_first(live, browser):
    page = browser.new_page()
    page.goto(live.base + ACTION)
    page.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0")   # visible when focused
    page.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.press("Tab")   # the next stop is inside the content, not in the header again
    assert page.evaluate("document.getElementById('contenu').contains(document.activeElement)")


def test_hostile_literals_are_shown_never_run(live, browser):
    page = browser.new_page()
    page.goto(live.base + "id/plan/ville-test-2024/action/2.1")
    assert page.evaluate("window.__xss === undefined && window.__xssLabel === undefined")
    assert page.text("h1") == "Recyclerie </script><script>window.__xssLabel=1</script> et ateliers"
    assert '<script>window.__xss=1</script><b>gras</b> & « guillemets » "doubles"' in page.text("main")
    assert page.count("main b, main script") == 0
    assert page.errors == []


CONTRAST = """(() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126*r + 0.7152*g + 0.0722*b; };
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
  const worst = [];
  for (const el of document.querySelectorAll("h1, h2, h3, p, li, dt, dd, a, .kicker, .note, .role, code")) {
    if (!el.offsetParent || !el.innerText.trim()) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push([el.tagName, el.className, el.innerText.slice(0, 40), ratio.toFixed(2)]);
  }
  return worst;
})()"""


@pytest.mark.parametrize("path", ["", PLAN, ACTION, ORGANISATION, "def", "def/field/alimentation", "id/nope"])
def test_text_contrast_meets_wcag_aa(live, browser, path):
    page = browser.new_page()
    page.goto(live.base + path)
    assert page.evaluate(CONTRAST) == []


@pytest.mark.parametrize("path", ["", PLAN, ACTION, ORGANISATION, "def", "id/plan/ville-test-2024/action/2.1"])
def test_small_screens_need_no_sideways_scrolling(live, browser, path):
    page = browser.new_page()
    page.set_viewport(360, 740, mobile=True)
    page.goto(live.base + path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") != "0px"
