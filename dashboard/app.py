"""The page: composes data, filters, map, charts and text. It reads top to bottom like the page.

State: one `Filters` value in st.session_state is the truth (dashboard.state holds every rule of
it). It is seeded once per session from the URL, each widget's callback and the map's on_select
callback replace it through a transition in dashboard.state, and the URL is rewritten from it at
the end of each run (defaults left out), so a copied link reproduces the view in either language.
Sections below the map are tabs whose code runs only when open.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from dashboard import data, export, geo, i18n, model, panels, picture, publish, safe, sessions, state

# The metric a first visit sees: the one that covers the most zones (4 of 9 with high-tech
# enterprise counts, each zone's latest figure; industrial revenue, the earlier default, covers 2).
# tests/test_app.py checks that the first chart and the headline show at least 4 zones.
DEFAULT_METRIC = "high_tech_enterprises"
LATEST = "latest"  # the year selectbox's "latest available" choice (Filters.year None)
SELECTABLE_GROUPS = ("output", "enterprises", "industry", "ranking")
MAX_NOTICES = 8
UPLOAD_BOX = "w_upload_box"  # the sidebar expander holding the uploader (load/protocol.py opens it by this key)
# Static CSS, no data in it: headline figures such as "125.8 billion yuan" fit their column.
# Markdown tables (the zones, a zone's profile): on a phone the first column keeps room for a
# zone's name instead of breaking it into a character per line. (Not a sideways-scrolling box: a
# scrollable region would need keyboard focus, which CSS cannot give; axe checks it.)
# Headline labels and values wrap instead of being cut ("全国国家高新区生产总值…", "19.3 trillion …"):
# Streamlit keeps them on one line.
# A table's toolbar (search, download, full screen) sits 44 px above it, always shown on a touch
# screen (a Vega chart's too): the room above keeps it off the tab bar (a tap on "数据来源" landed on
# the toolbar).
# On a phone, Markdown tables (the zones, a profile) take a smaller font and padding, so five
# columns fit 390 px without breaking a city's name into a character per line.
PAGE_CSS = (
    "<style>[data-testid='stMetricValue']{font-size:1.6rem}"
    "[data-testid='stMetricLabel'] p,[data-testid='stMetricValue'] *{white-space:normal!important;text-overflow:clip!important}"
    "[data-testid='stMarkdownContainer'] table td:first-child{min-width:5.5em}"
    # a chosen zone or industry (a multiselect chip) shows its whole name, on two lines if need be
    "[data-testid='stMultiSelectTagsContainer'] span:has(>span[title]),"
    "[data-testid='stMultiSelectTagsContainer'] span[title]{white-space:normal!important;height:auto!important}"
    ".stElementContainer:has(> [data-testid='stFullScreenFrame'] > [data-testid='stDataFrame']){margin-top:1.75rem}"
    "@media (hover:none){.stElementContainer:has([data-testid='stElementToolbar']){margin-top:1.75rem}}"
    "@media (max-width:640px){[data-testid='stMarkdownContainer'] table{font-size:0.8rem}"
    "[data-testid='stMarkdownContainer'] :is(th,td){padding:0.25rem 0.3rem}"
    "[data-testid='stMarkdownContainer'] table td:first-child{min-width:4.5em}"
    "[data-testid='stMarkdownContainer'] :is(th,td){overflow-wrap:anywhere;hyphens:auto}"
    # a zone's every-figure table (five columns): words and figures whole ("2 0 2 4" had been one a line)
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(5)):not(:has(th:nth-child(6))) :is(th,td){overflow-wrap:break-word}"
    # the zones table (six columns) in rows of two lines: zone, city, approval, figures and latest
    # year on the first, the lead industries across the second. The widths give each column its
    # longest word whole at these sizes, in English too ("Gongqingcheng", "Jingdezhen",
    # "2018-02-28", "Approved", "Figures"; 390 px, tests/e2e/test_phone.py)
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(6)){display:block;font-size:0.75rem}"
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(6)) :is(thead,tbody){display:block}"
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(6)) tr{display:grid;grid-template-columns:29% 21% 22% 15% 13%}"
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(6)) td{overflow-wrap:break-word}"
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(6)) :is(th,td){min-width:0;padding:0.2rem}"
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(6)) th{font-size:0.65rem}"
    "[data-testid='stMarkdownContainer'] table:has(th:nth-child(6)) :is(th,td):nth-child(4){grid-column:1/-1;order:1}}</style>"
)
# Dark theme only: Streamlit draws multiselect chips as white text on the primary colour, and no
# dark-theme primary colour passes 4.5:1 for that and for the selected language button at once
# (.streamlit/config.toml); dark text on the light coral chip does (8:1).
DARK_CSS = "<style>[data-testid='stMultiSelectTagsContainer'] span[title]{color:#111111}</style>"
# Light theme only: Streamlit draws Vega axis and legend text in #808495, 3.72:1 on white; this grey
# gives 7.5:1 (the dark theme's #e6eaf1 passes as it is). The charts' own text is in their specs.
LIGHT_CSS = (
    "<style>[data-testid='stVegaLiteChart'] :is(.role-axis-label,.role-axis-title,.role-legend-label,"
    ".role-legend-title) text{fill:#555555}</style>"
)
# The map and the SVG charts (drawn on the server: dashboard.map_chart, dashboard.svg_charts): this
# component puts the SVG in place and shows a value card when a mark with a `<title>` is tapped or
# clicked (its "label: value" lines: name, value and unit, year, source and grade, caveat), so a
# touch screen, which shows no tooltip, can read every value. Choosing a map mark as a filter is a
# separate button in the card, which reports the mark's `data-pick` value ("zone:<id>" or
# "city:<adcode>"); Enter/Space on a focused zone still picks it at once (keyboard users have the
# aria-label). A mark's invisible hit area (class "hit", same `data-pick`) opens the same card.
# The SVG is replaced only when it changed (the card closes then); a zone that had the keyboard's
# focus gets it back after the rerun redraws the map. The component's data: {"svg", "words"}.
MAP_KEY = "map"
VIEW_WIDGETS = ("w_lang", "w_zones", "w_industries", "w_metric", "w_year", "w_tab")  # set_filters seeds them
ALL_SOURCES = "w_all_sources"  # the sources tab's "show all sources" switch (sources_section seeds it)
MAP_PICK = f"{MAP_KEY}__events"  # the user key in the id of the map's trigger (Streamlit's "<key>__events")
SVG_JS = """
export default function ({ parentElement, data, setTriggerValue }) {
  let box = parentElement.querySelector(".jx-svg");
  if (!box) {
    box = document.createElement("div");
    box.className = "jx-svg";
    const figure = document.createElement("div");
    const card = document.createElement("div");
    card.className = "jx-card";
    card.hidden = true;
    card.setAttribute("aria-live", "polite");  // a screen reader hears the card a click opened
    box.append(figure, card);
    parentElement.appendChild(box);
    const close = () => { card.hidden = true; card.replaceChildren(); };
    const markOf = (target) => {
      const pick = target.closest("[data-pick]")?.getAttribute("data-pick");
      const mark = pick ? figure.querySelector(`[data-pick="${CSS.escape(pick)}"]:has(> title)`) : target.closest("svg *");
      return mark && mark.querySelector(":scope > title") ? mark : null;
    };
    const show = (mark, event) => {
      const words = box.words || {};
      const lines = mark.querySelector(":scope > title").textContent.split("\\n");
      const row = (line) => {
        const at = line.indexOf(": ");
        const el = document.createElement("div");
        if (at < 0) { el.textContent = line; return el; }
        const label = document.createElement("span");
        label.className = "label";
        label.textContent = line.slice(0, at) + ": ";
        el.append(label, line.slice(at + 2));
        return el;
      };
      const shut = document.createElement("button");
      shut.className = "shut";
      shut.textContent = "×";
      shut.setAttribute("aria-label", words.close || "×");
      shut.addEventListener("click", close);
      const name = document.createElement("strong");  // the first line's value: the zone's, city's or mark's name
      name.textContent = lines[0].slice(lines[0].indexOf(": ") + 2);
      card.replaceChildren(shut, name, ...lines.slice(1).map(row));
      const pick = mark.getAttribute("data-pick");
      if (pick) {
        const some = figure.querySelector('[aria-pressed="true"]') !== null;
        const kind = pick.startsWith("city:") ? "city" : mark.getAttribute("aria-pressed") === "true" ? "zone_off" : some ? "zone_add" : "zone_only";
        const act = document.createElement("button");
        act.className = "act";
        act.textContent = words[kind] || pick;
        act.addEventListener("click", () => { close(); box.send("pick", pick); });
        card.append(act);
      }
      card.hidden = false;
      const area = box.getBoundingClientRect();
      const x = event.clientX - area.left, y = event.clientY - area.top;
      const w = card.offsetWidth, h = card.offsetHeight;
      card.style.left = Math.max(0, Math.min(x - w / 2, area.width - w)) + "px";
      card.style.top = (y + 16 + h <= area.height || y - 16 - h < 0 ? y + 16 : y - 16 - h) + "px";
    };
    figure.addEventListener("click", (e) => {
      const mark = markOf(e.target);
      if (mark) show(mark, e); else close();
    });
    box.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close();
      const mark = e.target.closest?.("svg [data-pick]");
      if ((e.key === "Enter" || e.key === " ") && mark) {
        e.preventDefault();
        close();
        box.send("pick", mark.getAttribute("data-pick"));
      }
    });
    box.close = close;
  }
  box.send = setTriggerValue;
  box.words = data.words;
  if (box.svg !== data.svg) {
    const focused = parentElement.activeElement?.getAttribute?.("data-pick");
    box.svg = data.svg;
    box.close();
    box.firstChild.innerHTML = data.svg;
    if (focused) box.querySelector(`svg [data-pick="${CSS.escape(focused)}"][tabindex]`)?.focus();
  }
}
"""
SVG_CSS = """
.jx-svg { position: relative; }
.jx-svg svg { width: 100%; height: auto; display: block; font-family: var(--st-font, sans-serif); font-size: 12px; }
.jx-svg .ink { fill: var(--st-text-color, #31333f); }
.jx-svg .title { font-size: 14px; font-weight: 600; }
.jx-svg .small { font-size: 11px; }
.jx-svg svg [role="graphics-symbol"] { cursor: pointer; }
.jx-svg .hit { fill: #000000; fill-opacity: 0; cursor: pointer; }
.jx-card { position: absolute; z-index: 2; box-sizing: border-box; width: max-content; max-width: min(20rem, 100%);
  padding: 0.5rem 2rem 0.6rem 0.75rem; border: 1px solid var(--st-border-color, #ccc); border-radius: var(--st-base-radius, 0.5rem);
  background: var(--st-background-color, #fff); color: var(--st-text-color, #111); font-family: var(--st-font, sans-serif);
  font-size: 0.875rem; line-height: 1.35; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.25); overflow-wrap: anywhere; }
.jx-card[hidden] { display: none; }
.jx-card strong { display: block; margin-bottom: 0.2rem; }
.jx-card .label { opacity: 0.8; }
.jx-card button { font: inherit; color: inherit; background: none; cursor: pointer; min-height: 24px; min-width: 24px; }
.jx-card .shut { position: absolute; top: 0.25rem; right: 0.25rem; border: none; font-size: 1.1rem; line-height: 1; }
.jx-card .act { display: block; margin-top: 0.5rem; padding: 0.3rem 0.6rem; border: 1px solid var(--st-primary-color, #b3283a);
  border-radius: var(--st-base-radius, 0.5rem); color: var(--st-primary-color, #b3283a); }
.jx-map .labels text { font-size: 12px; dominant-baseline: middle; pointer-events: none; }
.jx-map [data-pick] { cursor: pointer; }
.jx-map .city:hover { fill-opacity: 0.8; }
.jx-map .zone:hover { stroke-width: 2.5px; }
.jx-map .zone:focus { outline: none; }
.jx-map .zone:focus-visible { stroke: var(--st-primary-color, #ff4b4b); stroke-width: 3.5px; }
"""
CARD_WORDS = {word: f"card.{word}" for word in ("close", "zone_only", "zone_add", "zone_off", "city")}
SVG_COMPONENT = st.components.v2.component("jx_svg", js=SVG_JS, css=SVG_CSS)
# The share control (share_box): "copy link" writes the view's link to the clipboard and says so
# (or, where the browser refuses, selects the link for the reader to copy); "share" opens the
# phone's share sheet, shown only where the browser has one (navigator.share); the link itself is
# shown below, whole. The texts and the link come in `data` (share_texts); built once, then only
# their text changes.
SHARE_JS = """
// The tabs' Vega charts show their tooltip on pointermove, which a tap never sends (a touch sends
// pointerover/down/up, compatibility mouse events and a click; its pointerout would hide a tooltip
// shown earlier). After a tap on a Vega chart, send it the pointermove a mouse would have: the
// tooltip shows the tapped mark's values, a tap beside the marks hides it. Here because this
// module runs once and its one instance is on every page (a component's code travels with each
// instance on every run: the map's would send it three times); Vega's charts are not in a shadow root.
if (!window.__jxVegaTaps) {
  window.__jxVegaTaps = true;
  let touch = false;
  document.addEventListener("pointerdown", (e) => { touch = e.pointerType === "touch"; }, true);
  document.addEventListener("click", (e) => {
    if (!touch || !e.target.closest?.('[data-testid="stVegaLiteChart"]')) return;
    const move = { bubbles: true, composed: true, clientX: e.clientX, clientY: e.clientY, pointerType: "touch", isPrimary: true };
    e.target.dispatchEvent(new PointerEvent("pointermove", move));
  }, true);
}
export default function ({ parentElement, data }) {
  let box = parentElement.querySelector(".jx-share");
  if (!box) {
    box = document.createElement("div");
    box.className = "jx-share";
    box.innerHTML = '<div class="row"><button type="button" class="copy"></button>' +
      '<button type="button" class="share" hidden></button><span class="status" role="status"></span></div>' +
      '<div class="line"><span class="label"></span> <a class="link"></a></div>';
    parentElement.appendChild(box);
    const say = (text) => { box.querySelector(".status").textContent = text; };
    const selectLink = () => {
      const range = document.createRange();
      range.selectNodeContents(box.querySelector(".link"));
      const selection = parentElement.getSelection ? parentElement.getSelection() : window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    };
    box.querySelector(".copy").addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(box.data.url);
        say(box.data.copied);
      } catch (error) {
        selectLink();
        say(box.data.copy_failed);
      }
    });
    box.querySelector(".share").addEventListener("click", async () => {
      try {
        await navigator.share({ title: box.data.title, url: box.data.url });
      } catch (error) {
        // the reader closed the share sheet: nothing to say
      }
    });
  }
  if (box.data?.url !== data.url) box.querySelector(".status").textContent = "";
  box.data = data;
  box.querySelector(".copy").textContent = data.copy_link;
  const share = box.querySelector(".share");
  share.textContent = data.share;
  share.hidden = typeof navigator.share !== "function";
  box.querySelector(".label").textContent = data.link_label;
  const link = box.querySelector(".link");
  link.textContent = data.url;
  link.href = data.url;
  link.title = data.link_help;
}
"""
SHARE_CSS = """
.jx-share { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #111111); font-size: 0.875rem; }
.jx-share .row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
.jx-share button { font: inherit; font-size: 0.9rem; min-height: 2.5rem; padding: 0.25rem 0.9rem; cursor: pointer;
  color: var(--st-text-color, #111111); background: var(--st-secondary-background-color, #f0f2f6);
  border: 1px solid var(--st-border-color, #d5d7de); border-radius: 0.5rem; }
.jx-share button:hover { border-color: var(--st-primary-color, #b3283a); }
.jx-share button:focus-visible { outline: 2px solid var(--st-primary-color, #b3283a); outline-offset: 2px; }
.jx-share .status { font-weight: 600; }
.jx-share .line { margin-top: 0.35rem; overflow-wrap: anywhere; }
.jx-share .link { color: var(--st-link-color, var(--st-primary-color, #b3283a)); }
"""
SHARE_COMPONENT = st.components.v2.component("jx_share", js=SHARE_JS, css=SHARE_CSS)

# Streamlit 1.67's uploader speaks English to a screen reader whatever the page: its button's
# "Upload", its limit line, the hidden file input's "file upload" and, after a file is chosen, the
# "Remove <file>" and "Add files" buttons. uploader_css covers what the eye sees before this runs;
# this script, in the page (a component: no other element of ours runs script), writes our words
# into those texts and names, and again whenever Streamlit redraws the uploader. Only the file's
# size ("19.0B", "1.2MB") stays as Streamlit writes it. Mounted on the Chinese page only.
UPLOADER_WORDS_JS = """
export default function ({ parentElement, data }) {
  const host = parentElement.host || parentElement;
  const doc = host.ownerDocument || document;
  const apply = () => {
    for (const uploader of doc.querySelectorAll('[data-testid="stFileUploader"]')) {
      const put = (element, text) => {
        if (element && element.textContent !== text) element.textContent = text;
        if (element) element.dataset.jxZh = "1";
      };
      const name = (element, text) => {
        if (element && element.getAttribute("aria-label") !== text) element.setAttribute("aria-label", text);
      };
      put(uploader.querySelector('[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'), data.button);
      put(uploader.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'), data.limit);
      name(uploader.querySelector('[data-testid="stFileUploaderDropzoneInput"]'), data.choose);
      for (const chip of uploader.querySelectorAll('[data-testid="stFileChip"]')) {
        const file = chip.querySelector('[data-testid="stFileChipName"]')?.textContent || "";
        name(chip.querySelector('[data-testid="stFileChipDeleteBtn"] button'), data.remove.replace("{name}", file));
      }
      name(uploader.querySelector('[data-testid="stBaseButton-borderlessIcon"]'), data.add);
    }
  };
  apply();
  if (!host.jxWatch) {
    host.jxWatch = new MutationObserver(apply);
    const sidebar = doc.querySelector('[data-testid="stSidebar"]') || doc.body;
    host.jxWatch.observe(sidebar, { childList: true, subtree: true, characterData: true });
  }
  return () => { host.jxWatch?.disconnect(); host.jxWatch = null; };
}
"""
# It draws nothing: its host takes no room (and the browser tests' wait for drawn components skips it)
UPLOADER_WORDS = st.components.v2.component("jx_uploader_words", js=UPLOADER_WORDS_JS, css=":host { display: none; }")


# ---------------------------------------------------------------------------------------------
# Data for this session: the bundled (or configured) folder, overlaid with an upload if any
# ---------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def freeze_startup_objects(folder: str) -> None:
    """Once per process, after the imports and the bundled data are loaded: move every object
    alive now out of the garbage collector's reach. Streamlit runs a full collection after every
    script run (runner.postScriptGC, which keeps closed upload sessions from holding memory); with
    the long-lived heap frozen, that collection scans only what sessions made, not all of pandas,
    Altair and the data (load/README.md: it was 82 % of a run's CPU under 100 sessions)."""
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def shut_down_expired_sessions() -> bool:
    """Once per process: a closed session that expires is shut down, freeing its uploaded file and
    downloads (dashboard/sessions.py; Streamlit 1.67 only drops it)."""
    from streamlit.runtime import Runtime

    return sessions.shut_down_expired(Runtime.instance()) if Runtime.exists() else False


def session_facts(dataset: data.Dataset) -> panels.Facts:
    """The facts this session sees: an upload's (kept with the upload, in this session only), a
    published data set's (`data=` in the link), or the data folder's own."""
    ss = st.session_state
    upload = ss.get("upload")
    if upload and upload["facts"].dataset.folder == dataset.folder:
        return upload["facts"]
    if ss.get("published"):
        try:
            return published_facts(dataset.folder, publish.Settings.from_env().db, ss.published)[1]
        except Exception as error:  # evicted from the cache, then unreadable: say so, show the bundled data
            ss.data_problem = {"code": problem_code(error), "id": ss.published}
            ss.published = None
    return panels.Facts(dataset, dataset.facts)


# ---------------------------------------------------------------------------------------------
# Published data sets (issue 22): dashboard.publish stores them; here they are opened and offered
# ---------------------------------------------------------------------------------------------

# Published sets held in memory at once (each: the bundled facts overlaid with its rows, up to
# 50,000). Opening more evicts the least recently used; a session still on it reads it again.
PUBLISHED_CACHE = 8
PUBLISH_ERRORS = {
    "off": "publish.error_off",
    "key": "publish.error_key",
    "full": "publish.error_full",
    "store": "publish.error_store",
}
PROBLEMS = {"damaged": "publish.damaged", "unavailable": "publish.unavailable"}  # "unknown": the link notice says it


@st.cache_resource(show_spinner=False)
def publish_store(db: str, max_bytes: int, create: bool) -> publish.Store:
    """One store (one connection pool) per process and setting."""
    return publish.Store(db, max_bytes=max_bytes, create=create)


def store(db: str | None = None) -> publish.Store:
    """The store at `db` (default: JX_PUBLISH_DB), with this process's settings."""
    settings = publish.Settings.from_env()
    return publish_store(db or settings.db, settings.max_bytes, settings.enabled)


@st.cache_resource(show_spinner=False, max_entries=PUBLISHED_CACHE)
def published_facts(folder: str, db: str, data_id: str) -> tuple[publish.Published, panels.Facts]:
    """A published set's description (without its bytes) and the facts it shows. LookupError for an
    id nothing was published under, publish.DamagedDataset, publish.StoreUnavailable (none cached)."""
    found = store(db).get(data_id)
    if found is None:
        raise LookupError(data_id)
    rows = publish.read_published(found, folder)
    dataset = data.load_dataset(folder)
    facts = panels.Facts(dataset, model.overlay(dataset.facts, rows), upload="published:" + data_id)
    return replace(found, content=b""), facts


def problem_code(error: Exception) -> str:
    if isinstance(error, LookupError):
        return "unknown"
    return "damaged" if isinstance(error, publish.DamagedDataset) else "unavailable"


def open_published(dataset: data.Dataset) -> None:
    """Once per session: the published set the link names (`data=`), if it can be shown."""
    ss = st.session_state
    if "data_checked" in ss:
        return
    ss.data_checked = True
    wanted = state.requested_data(query_params())
    if wanted is None:
        return
    try:
        published_facts(dataset.folder, publish.Settings.from_env().db, wanted)
    except Exception as error:  # unknown, damaged or unreadable: the bundled view and a notice
        ss.data_problem = {"code": problem_code(error), "id": wanted}
    else:
        ss.published = wanted


def on_publish() -> None:
    ss = st.session_state
    settings = publish.Settings.from_env()
    upload = ss.get("upload")
    if not upload:
        return
    if not settings.enabled:
        ss.publish_error = "off"
        return
    if settings.key and not publish.key_matches(ss.get("w_publish_key", ""), settings.key):
        ss.publish_error = "key"
        return
    table = upload["facts"].table
    content = publish.canonical(table[table["trust"].eq("user")])  # the upload's rows, in its order
    try:
        published, new = store().publish(content, upload["rows"])
    except publish.PublishError as error:
        ss.publish_error = error.code
        return
    except publish.StoreUnavailable:
        ss.publish_error = "store"
        return
    on_reset_upload()
    ss.pop("w_publish_key", None)
    ss.published = published.id
    ss.publish_done = {"id": published.id, "new": new}


def on_back_to_bundled() -> None:
    ss = st.session_state
    for key in ("published", "publish_done", "data_problem"):
        ss.pop(key, None)
    ss.pop("filters", None)


def publish_box(lang: str) -> None:
    """Under an active upload: what publishing makes public, the key if the operator set one, the
    button; or why it is not offered."""
    ss = st.session_state
    if not ss.get("upload"):
        return
    settings = publish.Settings.from_env()
    if not settings.enabled:
        st.caption(i18n.t("publish.off", lang))
        return
    with st.container(border=True):
        st.markdown(i18n.t("publish.what", lang, n=ss.upload["rows"]))
        if settings.key:
            st.text_input(i18n.t("publish.key", lang), type="password", key="w_publish_key")
        st.button(i18n.t("publish.button", lang), key="publish", on_click=on_publish)
        if ss.get("publish_error"):
            st.error(i18n.t(PUBLISH_ERRORS[ss.publish_error], lang, mb=f"{settings.max_bytes / 1024 / 1024:g}"))


def published_messages(folder: str, lang: str) -> None:
    """The banner of a published view, and what went wrong opening one."""
    ss = st.session_state
    problem = ss.get("data_problem")
    if problem and problem["code"] in PROBLEMS:
        st.error(i18n.t(PROBLEMS[problem["code"]], lang, id=problem["id"]))
    if not ss.get("published"):
        return
    meta = published_facts(folder, publish.Settings.from_env().db, ss.published)[0]
    done = ss.get("publish_done")
    if done and done["id"] == meta.id:
        st.success(i18n.t("publish.done" if done["new"] else "publish.done_again", lang))
    st.info(i18n.t("publish.banner", lang, id=meta.id, n=meta.rows, date=meta.date))
    st.button(i18n.t("publish.back", lang), key="back_to_bundled", on_click=on_back_to_bundled)


def share_notice(lang: str) -> None:
    """While an unpublished upload is active, under the share control: the link opens the bundled
    data, not the upload (a small element of its own, next to whatever shares the link)."""
    if st.session_state.get("upload"):
        st.caption(i18n.t("share.upload_not_in_link", lang))


@panels.cached(max_entries=16)
def vocabulary(facts: panels.Facts) -> state.Vocabulary:
    """What a link may name, from the facts this session sees."""
    dataset, table = facts.dataset, facts.table
    years = model.metric_years(table)
    metrics = dataset.metrics
    selectable = metrics[metrics["group"].isin(SELECTABLE_GROUPS) & metrics["metric"].isin(years)]
    return state.Vocabulary(
        zones=data.ZONE_IDS,
        industries=tuple(dataset.industries["industry"]),
        metrics=tuple(selectable["metric"]),
        default_metric=DEFAULT_METRIC,
        years=years,
        zone_industries=model.zone_industries(dataset, table),
        parents=model.industry_parents(dataset.industries),
        zone_city=geo.zone_cities(dataset.zones),
        zone_metrics=model.zone_metrics(table),
        metric_group=dict(zip(metrics["metric"], metrics["group"])),
    )


# ---------------------------------------------------------------------------------------------
# Filter state: URL → session once; widgets, map and tabs → a transition in state.py; → URL
# ---------------------------------------------------------------------------------------------


def query_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def init_filters(vocab: state.Vocabulary) -> None:
    ss = st.session_state
    if (changed := ss.pop("reconnect_view", None)) is not None:  # after_reconnect's rerun
        set_filters(changed, vocab)
    if "filters" in ss:
        # Every run sends the view's values to its widgets, not only the run that changed them: a
        # widget the page has not drawn yet (its code still loading on a first visit) takes its
        # default when it is drawn from a later run's element, and would report that default as a
        # choice (a fast first tap turned the metric into the first in the list).
        set_filters(ss.filters, vocab, keep_notices=True)
        return
    filters, notices = state.parse_query(query_params(), vocab, browser_locale=st.context.locale)
    published = ss.get("published")
    if filters.data != published:  # the link's data set could not be opened, or was left for an upload
        problem = ss.get("data_problem")
        if filters.data and problem and problem["id"] == filters.data and problem["code"] == "unknown":
            notices.append(state.unknown_data(filters.data))
        filters = replace(filters, data=published)
    if "w_metric" in ss:  # the view was dropped (an upload or its reset): keep what the sidebar holds
        filters = state.after_sidebar(filters, sidebar_values(filters), vocab)
    ss.notices = notices
    # Only a new session's first seeding can be a reconnected page's click: a view dropped later (an
    # upload or its reset) must not read the widgets the page sent as one.
    sent = frozenset() if "seeded" in ss else sent_before_drawn()
    ss.seeded = True
    set_filters(filters, vocab, keep_notices=True, keep_widgets=sent)
    if sent:
        ss.reconnect_widgets = sent


def sent_before_drawn() -> frozenset[str]:
    """The view's widgets whose values the page sent to this session before the session drew them:
    a page that reconnected (another replica, a restarted server) and sent a click. Streamlit's page
    does not rerun when it reconnects, so the click's run is the new session's first: Streamlit
    keeps the values it sent, unreadable until each widget is drawn, and runs no on_change for them
    (it knows no callback yet; tests/e2e/apps/reconnect_probe.py shows both). Seeding these widgets
    from the URL would drop the click, so init_filters leaves them and after_reconnect takes them.
    No public API lists them: the session's widget states (streamlit.runtime.state) do; should that
    change, the page falls back to the URL's view (the click is lost, nothing breaks)."""
    try:
        from streamlit.runtime.state import get_session_state
        from streamlit.runtime.state.common import user_key_from_element_id

        sent = {user_key_from_element_id(w.id) for w in get_session_state().get_widget_states()}
    except Exception:  # Streamlit's internals moved: behave as before
        return frozenset()
    unseen = {key for key in (*VIEW_WIDGETS, ALL_SOURCES) if key in sent and key not in st.session_state}
    return frozenset(unseen | ({MAP_PICK} & sent) if unseen else ())  # the page sends every widget's state with a click


def after_reconnect(vocab: state.Vocabulary) -> None:
    """At the end of the run init_filters started with a reconnected page's widgets: the view the
    widgets now hold (drawn, so readable), as their callbacks would have made it; when that is not
    the view drawn, run again with it (init_filters sets it before the widgets exist)."""
    ss = st.session_state
    sent = ss.pop("reconnect_widgets", None)
    if not sent:
        return
    drawn: state.Filters = ss.filters
    changed = state.after_sidebar(drawn, sidebar_values(drawn), vocab)
    if "w_tab" in sent:
        labels = {i18n.t(f"section.{tab}", drawn.lang): tab for tab in state.TABS}
        changed = state.open_tab(changed, labels.get(ss.get("w_tab"), ""))
    if MAP_PICK in sent:
        changed = state.after_map_pick(changed, getattr(ss.get(MAP_KEY), "pick", None), vocab)
    if ALL_SOURCES in sent and ALL_SOURCES in ss:  # drawn only when the sources tab is open
        changed = state.show_all_sources(changed, ss[ALL_SOURCES])
    if changed != drawn:
        ss.reconnect_view = changed
        st.rerun()


def set_filters(
    filters: state.Filters, vocab: state.Vocabulary, keep_notices: bool = False, keep_widgets: frozenset[str] = frozenset()
) -> None:
    """The new view, and the widgets showing it except `keep_widgets` (callbacks run before widgets
    exist, so this is allowed)."""
    ss = st.session_state
    ss.filters = filters
    if not keep_notices:
        ss.notices = []
    shown = {
        "w_lang": filters.lang,
        "w_zones": list(filters.zones),
        "w_industries": list(filters.industries),
        "w_metric": filters.metric,
        "w_year": LATEST if filters.year is None else filters.year,
        "w_tab": i18n.t(f"section.{filters.tab}", filters.lang),
    }
    for key, value in shown.items():
        if key not in keep_widgets:
            ss[key] = value


def sidebar_values(current: state.Filters) -> state.Sidebar:
    """The sidebar as the widgets hold it (`w_year` "latest" is the year None)."""
    ss = st.session_state
    year = ss.get("w_year", LATEST if current.year is None else current.year)  # absent: what the view has
    return state.Sidebar(
        lang=ss.get("w_lang"),
        zones=ss.get("w_zones", ()),
        industries=ss.get("w_industries", ()),
        metric=ss.get("w_metric", ""),
        year=None if year == LATEST else year,
    )


def on_sidebar(vocab: state.Vocabulary) -> None:
    set_filters(state.after_sidebar(st.session_state.filters, sidebar_values(st.session_state.filters), vocab), vocab)


def on_map_pick(vocab: state.Vocabulary) -> None:
    picked = getattr(st.session_state.get(MAP_KEY), "pick", None)
    set_filters(state.after_map_pick(st.session_state.filters, picked, vocab), vocab)


def on_tab(vocab: state.Vocabulary) -> None:
    ss = st.session_state
    labels = {i18n.t(f"section.{tab}", ss.filters.lang): tab for tab in state.TABS}
    set_filters(state.open_tab(ss.filters, labels.get(ss.w_tab, "")), vocab)


def on_all_sources() -> None:
    ss = st.session_state
    ss.filters = state.show_all_sources(ss.filters, ss.w_all_sources)
    ss.notices = []


def write_url(filters: state.Filters, vocab: state.Vocabulary) -> None:
    wanted = state.to_query(filters, vocab)
    if wanted != query_params():
        st.query_params.from_dict(wanted)


# ---------------------------------------------------------------------------------------------
# The sidebar
# ---------------------------------------------------------------------------------------------


def sidebar(facts: panels.Facts, vocab: state.Vocabulary, lang: str) -> None:
    sb, dataset = st.sidebar, facts.dataset
    callback = {"on_change": on_sidebar, "args": (vocab,)}
    sb.segmented_control(
        i18n.t("sidebar.language", lang),
        ["zh", "en"],
        key="w_lang",
        format_func=lambda code: i18n.t(f"lang.{code}", lang),
        **callback,
    )
    sb.header(i18n.t("sidebar.filters", lang))
    zones = model.zone_labels(dataset.zones, lang)
    sb.multiselect(
        i18n.t("sidebar.zones", lang),
        list(vocab.zones),
        key="w_zones",
        format_func=zones.get,
        placeholder=i18n.t("sidebar.zones_all", lang),
        help=i18n.t("sidebar.zones_help", lang),
        **callback,
    )
    industries = model.industry_labels(dataset.industries, lang)
    used = set().union(*vocab.zone_industries.values())
    offered = [i for i in vocab.industries if i in used]
    sb.multiselect(
        i18n.t("sidebar.industries", lang),
        offered,
        key="w_industries",
        format_func=industries.get,
        placeholder=i18n.t("sidebar.industries_all", lang),
        help=i18n.t("sidebar.industries_help", lang),
        **callback,
    )
    labels = model.metric_labels(dataset.metrics, lang)
    group = dict(zip(dataset.metrics["metric"], dataset.metrics["group"]))
    sb.selectbox(
        i18n.t("sidebar.metric", lang),
        list(vocab.metrics),
        key="w_metric",
        # the metric's name alone fits the box; its group and name in full are in the help
        format_func=labels.get,
        help=i18n.t("sidebar.metric_help", lang, metric=f"{i18n.t('group.' + group[current], lang)} · {labels[current]}")
        if (current := st.session_state.filters.metric) in group
        else None,
        **callback,
    )
    years = [LATEST, *reversed(vocab.years_for(st.session_state.filters.metric))]
    sb.selectbox(
        i18n.t("sidebar.year", lang),
        years,
        key="w_year",
        help=i18n.t("sidebar.year_help", lang),
        format_func=lambda y: i18n.t("sidebar.year_latest", lang) if y == LATEST else str(y),
        **callback,
    )


# ---------------------------------------------------------------------------------------------
# Upload: a session-only overlay, validated by read_facts; the bundled files are never written
# ---------------------------------------------------------------------------------------------


def on_upload(dataset: data.Dataset, key: str, vocab: state.Vocabulary) -> None:
    ss = st.session_state
    file = ss.get(key)
    if file is None:
        return
    try:
        uploaded = data.read_facts(file, dataset.folder)
    except data.DataError as error:
        ss.upload_error = {"name": file.name, "table": error.table(), "count": len(error.problems)}
        return
    ss.upload_error = None
    for key in ("published", "publish_done", "publish_error", "data_problem"):  # an upload replaces a published view
        ss.pop(key, None)
    digest = hashlib.sha1(file.getvalue()).hexdigest()
    ss.upload = {
        "name": file.name,
        "rows": len(uploaded),
        "facts": panels.Facts(dataset, model.overlay(dataset.facts, uploaded), upload=digest),
    }
    ss.pop("filters", None)  # years and metrics may have changed: re-derive the view from the URL


def on_reset_upload() -> None:
    for key in ("upload", "upload_error", "publish_error"):
        st.session_state.pop(key, None)
    st.session_state.upload_generation = st.session_state.get("upload_generation", 0) + 1
    st.session_state.pop("filters", None)


def upload_box(dataset: data.Dataset, vocab: state.Vocabulary, lang: str) -> None:
    ss = st.session_state
    # Its contents run only while it is open (on_change="rerun", .open): the uploader and the
    # template buttons cost every first visit and every rerun otherwise (bench/README.md).
    box = st.sidebar.expander(
        i18n.t("upload.title", lang),
        expanded=bool(ss.get("upload") or ss.get("upload_error")),
        key=UPLOAD_BOX,
        on_change="rerun",
    )
    if not box.open:
        return
    box.caption(i18n.t("upload.help", lang))
    if css := uploader_css(lang):
        box.html(css)
    key = f"w_upload_{ss.get('upload_generation', 0)}"  # a new key empties the uploader on reset
    box.file_uploader(
        i18n.t("upload.choose", lang), type=["csv", "xlsx"], key=key, on_change=on_upload, args=(dataset, key, vocab)
    )
    if lang != "en":
        with box:
            UPLOADER_WORDS(data=uploader_words(lang), key="uploader_words")
    csv_template, xlsx_template = templates(dataset.folder, lang)
    box.download_button(i18n.t("upload.template", lang) + " (CSV)", csv_template, "facts_template.csv", "text/csv", key="tpl_csv")
    box.download_button(
        i18n.t("upload.template", lang) + " (XLSX)",
        xlsx_template,
        "facts_template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="tpl_xlsx",
    )
    if ss.get("upload"):
        box.button(i18n.t("upload.reset", lang), on_click=on_reset_upload, key="reset_upload")


@st.cache_data(show_spinner=False)
def templates(folder: str, lang: str) -> tuple[bytes, bytes]:
    dataset = data.load_dataset(folder)
    return export.template_csv(dataset), export.template_xlsx(dataset, lang)


def uploader_words(lang: str) -> dict[str, str]:
    """Our words for the uploader's own texts and names (UPLOADER_WORDS_JS)."""
    words = {"button": "upload.button", "limit": "upload.limit", "choose": "upload.choose", "add": "upload.add_files"}
    return {word: i18n.t(key, lang) for word, key in words.items()} | {
        "remove": i18n.t("upload.remove_file", lang, name="{name}")
    }


def uploader_css(lang: str) -> str:
    """Streamlit 1.67's uploader has no locale: its button says "Upload" and its limit line "20MB
    per file • CSV, XLSX" in English whatever the page. On the Chinese page CSS hides those two
    texts and writes ours in their place (the button keeps its role; the words come from
    strings.toml, with no quote or backslash that could end the CSS string)."""
    if lang == "en":
        return ""
    button, limit = (i18n.t(key, lang).replace("\\", "").replace('"', "") for key in ("upload.button", "upload.limit"))
    zone = "[data-testid='stFileUploaderDropzone']"
    return (
        f"<style>{zone} button [data-testid='stMarkdownContainer'] p:not([data-jx-zh]){{font-size:0}}"
        f"{zone} button [data-testid='stMarkdownContainer'] p:not([data-jx-zh])::after{{content:\"{button}\";font-size:0.875rem}}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] span{{white-space:normal}}"  # ours is longer: wrapped, not cut
        f"[data-testid='stFileUploaderDropzoneInstructions'] span:not([data-jx-zh]){{font-size:0}}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] span:not([data-jx-zh])::after{{content:\"{limit}\";font-size:0.875rem}}</style>"
    )


def upload_messages(lang: str) -> None:
    ss = st.session_state
    if ss.get("upload_error"):
        failed = ss.upload_error
        st.error(i18n.t("upload.failed", lang, file=safe.md(failed["name"]), n=failed["count"]))
        st.dataframe(
            panels.upload_problems(failed["table"], lang),
            hide_index=True,
            width="stretch",
        )
    if ss.get("upload"):
        st.info(i18n.t("upload.loaded", lang, file=safe.md(ss.upload["name"]), n=ss.upload["rows"]))


# ---------------------------------------------------------------------------------------------
# Page sections
# ---------------------------------------------------------------------------------------------


def svg_data(svg: str, lang: str) -> dict:
    """What the SVG component draws: the SVG, and the value card's words in the page's language."""
    return {"svg": svg, "words": {word: i18n.t(key, lang) for word, key in CARD_WORDS.items()}}


def view_link() -> str:
    """This view's link, as the share control shows it (share_box runs before any chart)."""
    return st.session_state.get("view_link", "")


def picture_menu(key: str, lang: str, words: Callable[[], picture.Words], chart: Callable[[], str | None]) -> None:
    """ "Save picture": one small popover under the map or a chart. Its contents run only while it
    is open, and each file is built only when its button is clicked (a callable `data`, run by
    Streamlit on click): a page that nobody saves a picture from pays one popover per chart."""
    box = st.popover(
        i18n.t("picture.save", lang), key=f"picture_{key}", on_change="rerun", help=i18n.t("picture.save_help", lang)
    )
    if not box.open:
        return
    said, chart = words(), functools.cache(chart)  # the SVG and the PNG of one open menu draw the chart once
    for fmt, mime, qr_default, qr_label, label in (
        ("png", "image/png", True, "picture.qr_png", "picture.save_png"),  # QR on by default: a PNG travels as an image
        ("svg", "image/svg+xml", False, "picture.qr_svg", "picture.save_svg"),
    ):
        qr = box.checkbox(i18n.t(qr_label, lang), value=qr_default, key=f"picture_{key}_qr_{fmt}")
        box.download_button(
            i18n.t(label, lang),
            data=functools.partial(lambda fmt, qr: picture.make(chart(), said, fmt, qr), fmt, qr),
            file_name=f"jiangxi_htz_{key}.{fmt}",
            mime=mime,
            on_click="ignore",
            key=f"picture_{key}_{fmt}",
        )


def draw(name: str, facts: panels.Facts, view: state.View, show_missing: bool = False, shown: tuple[str, ...] = ()) -> list[str]:
    """One panel in a container of its own: its chart (or why there is none), its caption, the
    zones without a figure and the caveats of its flagged figures (those not `shown` just above);
    returns the caveats. The container keeps what follows in place however many lines this panel
    writes: the browser matches elements by position, and a shifted chart is a chart built anew.
    (No figure means no chart: an empty chart would show a 0 on its axis.)"""
    out = panels.panel(name, facts, view)
    lines = []  # one caption of several lines: each element on the page costs a render per rerun
    with st.container():
        if out.spec is not None:
            if out.svg is not None:  # drawn on the server (panels.SVG_PANELS)
                SVG_COMPONENT(data=svg_data(out.svg, view.lang), key=f"chart_{name}")
            else:
                st.vega_lite_chart(out.spec, width="stretch", key=f"chart_{name}")
            lines += [out.subtitle] if out.subtitle else []
        elif out.empty:
            st.info(out.empty)
        if show_missing and out.missing:
            sep = "、" if view.lang == "zh" else ", "
            lines.append(i18n.t("chart.no_data_for", view.lang, zones=sep.join(out.missing)))
        lines += [safe.md(note) for note in out.notes if note not in shown]
        if lines:
            st.caption("  \n".join(lines))
        if out.spec is not None or out.empty:
            chart = (lambda: out.svg) if out.svg is not None else (lambda: picture.vega_svg(out.spec) if out.spec else None)
            picture_menu(name, view.lang, lambda: panels.picture_words(name, facts, view, view_link()), chart)
    return out.notes


def headline(facts: panels.Facts, view: state.View) -> None:
    cols = st.columns(4)
    for col, (label, value, help_text) in zip(cols, panels.headline(facts, view)):
        col.metric(label, value, help=help_text or None)


def map_section(facts: panels.Facts, view: state.View, vocab: state.Vocabulary, highlight: bool) -> None:
    svg = panels.map_svg(facts, view, highlight)
    SVG_COMPONENT(data=svg_data(svg, view.lang), key=MAP_KEY, on_pick_change=lambda: on_map_pick(vocab))
    st.caption(panels.map_caption(facts, view) + " " + i18n.t("map.caption", view.lang))
    picture_menu("map", view.lang, lambda: panels.map_picture_words(facts, view, view_link()), lambda: svg)


def zones_section(facts: panels.Facts, view: state.View) -> None:
    """Text only, like the profile: the first tab builds no chart (bench/README.md)."""
    table = panels.zones_overview(facts, view)
    if len(table):
        st.markdown(safe.markdown_table(table))
        st.caption(i18n.t("zones.caption", view.lang))


def enterprise_section(facts: panels.Facts, view: state.View) -> None:
    draw("enterprises", facts, view, show_missing=True)


def industry_section(facts: panels.Facts, view: state.View) -> None:
    draw("industry_matrix", facts, view)
    draw("industry_revenue", facts, view)
    draw("industry_shares", facts, view)  # full width: each bar's denominator must be readable


def ranking_section(facts: panels.Facts, view: state.View) -> None:
    left, right = st.columns(2)
    with left:
        draw("national_rank", facts, view)
    with right:
        draw("provincial_rank", facts, view)
    draw("national_context", facts, view)


def coverage_section(facts: panels.Facts, view: state.View) -> None:
    draw("coverage", facts, view)


def profile_section(facts: panels.Facts, view: state.View) -> None:
    dataset, zone_id, lang = facts.dataset, view.zones[0], view.lang
    name = model.zone_labels(dataset.zones, lang)[zone_id]
    st.subheader(i18n.t("chart.zone_profile", lang, zone=name))
    # Markdown tables: a map click loads no table code; few elements: each costs a render per run
    # (bench/README.md)
    st.markdown(safe.markdown_table(panels.zone_profile(dataset, zone_id, lang)))
    freshness = panels.zone_freshness(facts, zone_id, lang)  # how current its figures are (issue 24)
    notes = [
        safe.md(n)
        for n in (freshness, panels.area_note(dataset, zone_id, lang), panels.location_note(dataset, zone_id, lang))
        if n
    ]
    if notes:
        st.caption("  \n".join(notes))
    figures = panels.zone_figures(facts, view)
    title = f"**{safe.md(i18n.t('profile.figures', lang, zone=name))}**"
    if len(figures):
        st.markdown(title + "\n\n" + safe.markdown_table(figures))
    else:
        st.markdown(title)
        st.info(i18n.t("profile.figures_empty", lang, zone=name))


def table_section(facts: panels.Facts, view: state.View) -> None:
    lang = view.lang
    st.dataframe(panels.facts_table(facts, view), hide_index=True, width="stretch", height=320)
    for column, (label, view_or_all, name, key) in zip(
        st.columns(2),
        [
            ("download.filtered_csv", view, "jiangxi_htz_facts_filtered.csv", "dl_filtered"),
            ("download.full_csv", None, "jiangxi_htz_facts_all.csv", "dl_full"),
        ],
    ):
        column.download_button(i18n.t(label, lang), panels.csv_download(facts, view_or_all, lang), name, "text/csv", key=key)


def sources_section(facts: panels.Facts, view: state.View) -> None:
    lang = view.lang
    st.caption(i18n.t("sources.caption", lang))
    ss = st.session_state
    if ALL_SOURCES not in ss.get("reconnect_widgets", ()):  # a reconnected page's switch: after_reconnect takes it
        ss[ALL_SOURCES] = ss.filters.all_sources  # the view's (a link's `sources=all`), set before the toggle is drawn
    everything = st.toggle(i18n.t("sources.show_all", lang), key=ALL_SOURCES, on_change=on_all_sources)
    table = panels.sources_table(facts, view, everything)
    total = len(facts.dataset.sources)
    shown = int(table[i18n.t("sources.col_grade", lang)].ne(i18n.t("trust.derived", lang)).sum())
    st.caption(
        i18n.t("sources.count_all", lang, total=total) if everything else i18n.t("sources.count", lang, n=shown, total=total)
    )
    link_column = i18n.t("sources.col_link", lang)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(360, 35 * (len(table) + 1) + 3),
        column_config={link_column: st.column_config.LinkColumn(link_column)},
    )


SECTIONS = {
    "zones": zones_section,
    "enterprises": enterprise_section,
    "industries": industry_section,
    "ranking": ranking_section,
    "coverage": coverage_section,
    "table": table_section,
    "sources": sources_section,
}


def tabs(facts: panels.Facts, view: state.View, vocab: state.Vocabulary) -> None:
    """The sections below the map, one tab each; only the open tab's code runs."""
    labels = [i18n.t(f"section.{tab}", view.lang) for tab in state.TABS]
    for tab_id, tab in zip(state.TABS, st.tabs(labels, key="w_tab", on_change=on_tab, args=(vocab,))):
        if tab.open:
            with tab:
                SECTIONS[tab_id](facts, view)
                if tab_id != "table":  # the table's own tab has both downloads
                    view_download(facts, view)


def view_download(facts: panels.Facts, view: state.View) -> None:
    """The figures of the view as CSV, from whichever tab the reader is in. The file is made only
    when the button is pressed (a callable: nothing is built on a run that does not download)."""
    st.download_button(
        i18n.t("download.view_csv", view.lang),
        lambda: panels.csv_download(facts, view, view.lang),
        "jiangxi_htz_facts_filtered.csv",
        "text/csv",
        key="dl_view",
        on_click="ignore",
        help=i18n.t("download.guide", view.lang),
    )


def share_box(filters: state.Filters, vocab: state.Vocabulary, lang: str) -> None:
    """The link of this view beside it, in the main column (a phone reader never has to open the
    sidebar): a copy button with a confirmation, the phone's share sheet where the browser has one,
    and the link itself. A component, because only script in the page can reach the clipboard; no
    `st.code` (it makes every first load fetch Streamlit's 1.5 MB syntax highlighter)."""
    base = st.context.url or "http://localhost:8501/"
    st.session_state.view_link = state.share_url(base, filters, vocab)  # the pictures' link too (picture_menu)
    SHARE_COMPONENT(data=share_texts(st.session_state.view_link, lang), key="share")


def share_texts(url: str, lang: str) -> dict[str, str]:
    """What the share control shows: the link and its words in the page's language."""
    words = ("copy_link", "copied", "copy_failed", "share", "link_label", "link_help")
    return {"url": url, "title": i18n.t("app.title", lang)} | {word: i18n.t(f"share.{word}", lang) for word in words}


def metric_offer(facts: panels.Facts, filters: state.Filters, vocab: state.Vocabulary) -> None:
    """A one-zone view whose metric the zone has no figure for offers one it has (one click)."""
    offer = state.metric_offer(filters, vocab)
    if offer is None:
        return
    lang, dataset = filters.lang, facts.dataset
    labels = model.metric_labels(dataset.metrics, lang)
    zone = model.zone_labels(dataset.zones, lang)[state.resolve(filters, vocab).zones[0]]
    st.info(i18n.t("offer.metric", lang, zone=safe.md(zone), metric=safe.md(labels[filters.metric])))
    st.button(
        i18n.t("offer.switch", lang, metric=labels[offer]),
        key="w_offer",
        on_click=lambda: set_filters(state.select_metric(st.session_state.filters, offer, vocab), vocab),
    )


def notices(lang: str) -> None:
    """What a link got wrong, in one notice: a heading and a line per problem (a link can hold
    thousands of bad values: a few, then how many more)."""
    shown = st.session_state.get("notices", [])
    if not shown:
        return
    lines = [f"- {safe.md(i18n.notice_text(notice, lang))}" for notice in shown[:MAX_NOTICES]]
    if len(shown) > MAX_NOTICES:
        lines.append(f"- {i18n.t('notice.more', lang, n=len(shown) - MAX_NOTICES)}")
    st.warning(f"**{i18n.t('notice.title', lang)}**\n\n" + "\n".join(lines))


def error_page(error: data.DataError) -> None:
    st.title("江西国家高新区 · Jiangxi National High-tech Zones")
    st.error(
        f"数据文件有误，应用无法启动。The data folder has problems; the app cannot start. ({data.DATA_DIR_ENV}={safe.md(data.data_dir())})"
    )
    st.dataframe(error.table().assign(file=error.source), hide_index=True, width="stretch")


# ---------------------------------------------------------------------------------------------
# Draw the page
# ---------------------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="江西国家高新区 · Jiangxi HTZ", page_icon="🗺️", layout="wide")
    st.html(PAGE_CSS + {"dark": DARK_CSS, "light": LIGHT_CSS}.get(st.context.theme.type, ""))
    try:
        dataset = data.load_dataset()
    except data.DataError as error:
        error_page(error)
        return
    open_published(dataset)
    facts = session_facts(dataset)
    vocab = vocabulary(facts)
    freeze_startup_objects(dataset.folder)
    shut_down_expired_sessions()
    init_filters(vocab)
    filters: state.Filters = st.session_state.filters
    lang = filters.lang
    view = state.resolve(filters, vocab)

    sidebar(facts, vocab, lang)
    upload_box(dataset, vocab, lang)

    st.title(i18n.t("app.title", lang))
    # one element for both lines: each element costs a render on every run
    st.caption(
        i18n.t("app.subtitle", lang) + "  \n" + i18n.t("app.thin_record", lang) + "  \n" + panels.data_as_of_line(facts, lang)
    )
    share_box(filters, vocab, lang)
    share_notice(lang)
    # Parts that come and go sit in containers that are always there: the map, the charts and the
    # open tab keep their places, so a click updates them instead of building them anew.
    with st.container():
        notices(lang)
        upload_messages(lang)
        publish_box(lang)
        published_messages(dataset.folder, lang)
        if not view.zones:
            st.warning(i18n.t("empty.selection", lang))
        metric_offer(facts, filters, vocab)
    headline(facts, view)

    left, right = st.columns([1.1, 1], gap="medium")
    with left:
        map_section(facts, view, vocab, highlight=bool(filters.zones or filters.industries))
    with right:
        shown = draw("by_zone", facts, view, show_missing=True)
        draw("over_years", facts, view, shown=tuple(shown))

    with st.container():
        if len(view.zones) == 1:
            profile_section(facts, view)
    tabs(facts, view, vocab)
    after_reconnect(vocab)
    write_url(filters, vocab)
