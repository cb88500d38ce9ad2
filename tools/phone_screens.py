"""The phone screenshots in docs/screens: the top of the page, the map's value card and the first
screen of every tab at 390 × 844 (touch), Chinese in the light theme and English in the dark one,
as 96-colour PNGs (each well under 150 KB). `python -m tools.phone_screens [folder]` starts the app
on a free port and writes them (default docs/screens)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from tools.browser import INIT_SCRIPT, REPO_ROOT, AppServer, context_options, launch_chromium, rerun, wait_idle

SECTIONS = ("zones", "enterprises", "industries", "ranking", "coverage", "table", "sources")
TABS = {
    "zh": ("高新区一览", "企业", "产业", "全国排名与背景", "数据覆盖", "数据表", "数据来源"),
    "en": ("The zones", "Enterprises", "Industries", "National rank and context", "Data coverage", "Data table", "Sources"),
}
ZONE = {"zh": "南昌高新区", "en": "Nanchang HTZ"}


def save(page, path: Path) -> None:
    picture = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    picture.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.relative_to(REPO_ROOT)}: {path.stat().st_size // 1024} KB")


def shoot(url: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for lang, scheme in (("zh", "light"), ("en", "dark")):
            context = browser.new_context(**context_options(lang, scheme, "phone"))
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            page.goto(url + ("/?lang=en" if lang == "en" else "/"))
            wait_idle(page)
            stem = f"390-{lang}-{scheme}"
            save(page, folder / f"{stem}-top.png")
            page.locator(f".jx-map path.zone[aria-label^='{ZONE[lang]}:']").tap()
            page.locator(".jx-card:not([hidden])").evaluate("card => card.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(200)
            save(page, folder / f"{stem}-map-card.png")
            page.locator(".jx-card:not([hidden]) button.shut").tap()
            for i, (section, label) in enumerate(zip(SECTIONS, TABS[lang])):
                if i:
                    rerun(page, page.get_by_role("tab", name=label).tap)
                page.locator('[data-testid="stTabs"]').first.evaluate("tabs => tabs.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(200)
                save(page, folder / f"{stem}-{section}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    with AppServer() as server:
        shoot(server.url, Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / "docs" / "screens")
