"""One-off import of the compiled research (../shared/research) into data/. Kept for audit.

The files in data/ are the truth and are edited by hand from now on; this script documents how the
first version was made: which research row became which fact, how sources were graded, and which
row of a duplicate pair is preferred. Run: python tools/import_research.py ../shared/research

Hand edits made after the import (not reproduced by running this again): the `zones_ranked`
metric and its five `national` rows (pool sizes stated in sources already cited), and the unit
个 instead of 家 for `zone_count` and `zones_ranked`.

Round 2 (issue 13). `round2_rows()` below reproduces the 28 rows added from round2-facts.csv
(`--round2` prints them; tests/test_data_round2.py checks data/facts.csv holds them). Hand edits
made in the same round, not reproduced by this script (data/README.md states each rule):
- facts.csv gained `note_zh` (every note translated by hand), `quote` (the research's evidence
  phrase, matched on zone, year, metric, industry, value and URL; two `zones_ranked` quotes taken
  from the evidence of the rank row of the same source) and `baseline` (year < 2018).
- Share denominators: metrics.csv gained `share_of`, `share_of_zh`, `share_of_en` and the metrics
  `industry_share_of_city` (Nanchang 2022 and Ji'an 2021 electronic information, moved from
  `industry_share`) and `segment_share` (Yingtan 2024 copper segments, moved from `industry_share`);
  `industry_share` now means a share of the zone's industrial revenue; `revenue` is relabelled
  营业总收入（园区总收入）. Sixteen metrics were added (round-2 scopes and ranks).
- Rank years by evaluation: Gongqingcheng's rank 159 moved from 2018 to 2019 (caution); every
  national_rank note names its evaluation and the source's own label.
- 目前 rule: the seed's Nanchang enterprises_10bn, little_giants and clusters_100bn moved from 2024
  to 2025; the notes of the seed's current figures say so.
- Nanchang zone GDP 2019/2022/2023/2024 carry a "different bases, not one series" sentence; the 2020
  `revenue` (>5000) and `industrial_revenue` (>3000) rows are no longer preferred (the exact round-2
  values are).
- `caution` was set by hand on every facts and city_facts row (the CAUTION regex below was the first
  version's rule and is superseded); the flagged rows are listed in tests/test_data_round2.py.
- sources.csv: src090–src094 added (ROUND2_NEW_SOURCES), `note_zh` added, and src019, src033 and
  src049 (no URL, no kept copy) graded `unverified`, superseding NO_URL below.
- zones.csv gained `area_note_zh` and `coord_note_zh`; Ganzhou's area (101.88 km², already there)
  got the round-2 confirmation in its note. city_facts.csv gained `note_zh` and `quote`.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dashboard.facts_file import FACT_COLUMNS  # noqa: E402  (the one list of the facts format)

DATA = Path(__file__).resolve().parent.parent / "data"

SEED_TITLE = "时隔数年 政府工作报告再提“国家高新区”"

# Trust grades: official = a government or official body on its own site; news = a news outlet on
# its own site (or the newspaper's own article); compilation = a third party that compiles figures
# (data aggregators, directories, encyclopedia or Q&A pages); mirror = a copy of an official or news
# page on another, unrelated domain. Mirror URLs stay in the data for audit and are never shown as links.
HOSTS: dict[str, tuple[str, str]] = {
    # host: (trust, publisher as far as the page or the research notes say)
    "www.kczg.org.cn": ("official", "科创中国（中国科协）"),
    "spc.jst.go.jp": ("official", "JST 科学技术振兴机构 (Japan)"),
    "www.xingguo.gov.cn": ("official", "兴国县人民政府"),
    "www.cnr.cn": ("news", "央广网江西频道"),
    "jx.people.com.cn": ("news", "人民网江西频道（江西日报稿）"),
    "tt.jxnews.com.cn": ("news", "江西新闻客户端（大江网）"),
    "www.cnjjwb.com": ("news", "经济晚报"),
    "investinchina.chinadaily.com.cn": ("news", "China Daily (Invest in China)"),
    "www.achie.org": ("news", "高新院（中国高新区杂志社）"),
    "maigoo.com": ("compilation", "买购网"),
    "chyxx.com": ("compilation", "智研咨询"),
    "www.chyxx.com": ("compilation", "智研咨询"),
    "www.devex.com": ("compilation", "Devex (organisation profile)"),
    "jx.xuannaer.com.cn": ("compilation", "选哪儿 园区名录"),
    "m.zhongguozhaoshang.com": ("compilation", "中国招商网 园区名录"),
    "zhaoshang.ofweek.com": ("compilation", "OFweek 招商"),
    "xinwen.kejixun.cn": ("compilation", "科技讯（问答页）"),
    "gongchengliangzi.gzzwz.com.cn": ("compilation", "问答页（gzzwz）"),
    "www.hendeli.cn": ("compilation", "城市信息页（hendeli）"),
    "www.0797cx.com": ("compilation", "赣州本地信息网（赣县区人民政府简介转载）"),
    "kiibk.com": ("compilation", "百科页（kiibk）"),
    "chinapp.com": ("compilation", "中国品牌网 百科页"),
    "sangbe.com": ("compilation", "sangbe.com English list"),
}
MIRROR_PUBLISHERS = {
    "www.rcggzy.com": "机器改写转载（原：2018年南昌高新区发展回顾）",
    "ycahj.com": "信息日报（转载）",
    "jsmbw.com": "招商网站转载",
    "zjdianying.com": "中新网（转载）",
    "liantu.cn": "江西媒体稿（转载）",
    "www.abbins.com": "南昌高新区官网“南昌高新区简介”（镜像）",
    "comemg.com": "南昌高新区微信公众号（镜像）",
    "jx.cnipai.com": "江西日报（转载）",
    "laurentisnard.com": "南昌高新区官网新闻（镜像）",
    "aeenf.com": "高新院 achie.org（镜像）",
    "dcqhyn.cn": "鹰潭高新区（镜像）",
    "m.jizihe.com": "吉安高新区管委会（转载）",
    "xiweikeji.com": "九江共青城高新区报道（转载）",
    "www.axyjyo.cn": "新华社（镜像）",
    "ja.smartjx.com": "经济日报（转载）",
    "shenduxp.com": "经济日报（转载）",
    "fenlei.lygmedia.com": "中新网（镜像）",
    "blog.bobobk.com": "中新社（转载）",
    "licai.cofool.com": "央视新闻（转载）",
    "glass.org.cn": "中国玻璃网（转载官方通报）",
    "fx361.cc": "期刊文章转载（fx361）",
    "f-cn.cn": "科技部火炬中心报告（转载）",
    "zjmenchuan.com": "化工仪器网（转载）",
    "huanjingyujingji.com": "人民日报（转载）",
    "dev.sdbgw.com.cn": "新华社（转载）",
    "taowenge.com": "江西省统计局公报（文档分享站）",
    "m.hbzqbyyxgs.com": "转载页",
    "hbzqbyyxgs.com": "百科词条（镜像）",
    "www.zshjjh.com": "转载页",
    "profilpelajar.com": "维基百科（镜像）",
    "www.xinyushizx.com": "转载页（数字残缺）",
    "c.m.163.com": "网易号（转载统计局发布会报道）",
    "llee.realtyhomepride.com": "中新网（转载）",
    "mmtar.com": "百科词条（镜像）",
    "sdzhengyuanfeiye.com": "转载页（引江西省统计局）",
    "web.xiaze.org": "景德镇市统计局公报（镜像）",
    "qinglite.cn": "萍乡市统计局公报（镜像）",
    "wz.zwzzw.com": "新余市简介（收录页）",
    "m.xiaomonv0755.com": "赣州市统计局公报（镜像）",
    "sjzyihang.com": "吉安市统计局公报（镜像）",
    "www.ilynn.cn": "宜春市人民政府公报（镜像）",
    "tjgb.hongheiku.com": "上饶市统计局公报（统计公报存档镜像）",
    "shanghaiinvest.com": "国务院批复 国函〔2019〕77号（镜像）",
    "pygbw.com": "中新网（转载）",
    "a1killmaster.com": "新闻报道（镜像）",
    "zhwiki.oracleblog.org": "维基百科（镜像）",
    "zhwiki.pedia.workers.dev": "维基百科（镜像）",
    "zh.theminiwiki.com": "维基百科（镜像）",
    "nybiz.cn": "江西省政府函（镜像）",
    "elecfans.com": "江西日报（转载）",
    "california-injury-lawyer-blog.com": "中新网（转载）",
    "flfgdq.cn": "国务院批复（镜像）",
    "flfgsc.cn": "国务院批复（镜像）",
    "jsmbw.com/citiao": "百科词条（镜像）",
    "www.avcorse.com": "转载页",
    "m.gbfmh.com": "湖北日报（转载）",
}
NO_URL = {  # sources known only by title (no page URL recorded)
    SEED_TITLE: ("news", "江西日报（本报全媒体记者）", "the project's seed article; no URL known"),
    "国家批复宜春丰城、九江共青城高新技术产业园区升为国家级,这对地方经济有何意义?": (
        "compilation",
        "问答页",
        "weak Q&A page; URL not recorded",
    ),
    "[人民网-江西频道稿转载，页面URL未记录] “江西这十年”系列主题新闻发布会(吉安专场)": (
        "news",
        "人民网江西频道",
        "page URL not recorded",
    ),
    "萍乡市2022年国民经济和社会发展统计公报": ("mirror", "萍乡市统计局公报（xiaze.org 镜像）", "mirror page URL not returned"),
}

# Zone-registry sources (zones-sources.md): url -> (title, date)
ZONE_SOURCES = {
    "http://shanghaiinvest.com/cn/viewfile.php?id=14080": (
        "国函〔2019〕77号 国务院关于同意南昌等7个高新技术产业开发区建设国家自主创新示范区的批复",
        "2019",
    ),
    "http://www.abbins.com/wanboguanwangmanbetx/ncgxq/gxqjj/common_wztt.shtml": ("南昌高新区简介", "2024-07-30"),
    "https://laurentisnard.com/wanboguanwangmanbetx/ncgxq/xwdt/202412/0af8cd4cbd1e43adb751e5aabe9b71a9.shtml": (
        "[南昌高新区新闻动态] 从4组数据看南昌高新区1-10月工业经济",
        "2024-12",
    ),
    "http://spc.jst.go.jp/cooperation/industry_finance/data2/profile1/prof_29.html": (
        "南昌ハイテク産業開発区 (JST survey)",
        "c. 2010",
    ),
    "https://zh.theminiwiki.com/item/南昌国家高新技术产业开发区": ("南昌国家高新技术产业开发区（维基百科镜像）", ""),
    "https://kiibk.com/doc-view-150108.html": ("瑶湖（百科词条）", ""),
    "https://chinapp.com/ct/5jmRcM.html": ("瑶湖 基本介绍", ""),
    "http://jx.xuannaer.com.cn/yuanqu/detail/4332": ("江西新余高新技术产业开发区（园区概况）", "c. 2012"),
    "http://hbzqbyyxgs.com/citiao/160672.html": ("景德镇高新区（词条）", ""),
    "https://a1killmaster.com/news/kyxw/20138231961256.shtml": ("（景德镇高新区打造千亿航空产业）", "2013"),
    "http://m.zhongguozhaoshang.com/park/3558.html": ("江西景德镇高新技术产业园区", ""),
    "https://zhwiki.oracleblog.org/zh-cn/%E6%99%AF%E5%BE%B7%E9%95%87%E5%B8%82": ("景德镇市（维基百科镜像）", ""),
    "https://jx.cnipai.com/news/detail/224889.html": ("（省政府批复设立鹰潭移动物联网产业园）", ""),
    "http://dcqhyn.cn/news/show-181266.html": ("全国89强 前进13 鹰潭高新区奋勇争先再进位", "2022-02-28"),
    "https://sangbe.com/article/252627.html": ("Fuzhou High-tech Zone … demonstration base", "2018-02-04"),
    "http://investinchina.chinadaily.com.cn/s/201907/08/WS5d22fe0f498e054923eaf9e0/fuzhou-high-tech-industrial-development-zone.html": (
        "Fuzhou High-tech Industrial Development Zone",
        "2019-07-08",
    ),
    "https://www.devex.com/organizations/fuzhou-new-industries-zone-economic-development-and-tech-innovation-bureau-154899": (
        "Fuzhou New Industries Zone Economic Development and Tech Innovation Bureau",
        "c. 2017",
    ),
    "https://elecfans.com/d/642492.html": ("（抚州高新区瞄准“高”与“新”持续发力）", "2018"),
    "http://nybiz.cn/law/2681.html": ("（同意设立乐安产业园等省级产业园的函）", "2017"),
    "http://m.jizihe.com/page/2021/0412/21228835.shtml": ("[园区介绍，原标题未显示] 吉安高新区管委会", "2021-04-12"),
    "http://investinchina.chinadaily.com.cn/a/201907/08/WS5d22fd01498e054923eaf9df.html": (
        "Ji'an High-tech Industrial Development Zone",
        "2019-07-08",
    ),
    "https://zhwiki.pedia.workers.dev/wiki/%E5%90%89%E5%AE%89%E5%B8%82": ("吉安市（维基百科镜像）", ""),
    "http://california-injury-lawyer-blog.com/jm/qyys/db/201003/t20100329_1300284.htm": (
        "（井冈山经济技术开发区 更名报道）",
        "2010-03-29",
    ),
    "https://zhaoshang.ofweek.com/vip/56": ("（赣州 招商简介）", "c. 2024"),
    "http://xinwen.kejixun.cn/xinwen/2022/0727/15339.html": ("赣州高新区总规划面积是多少 … “一区三园”指的是什么?", "2022-07-27"),
    "https://www.0797cx.com/qy?article_id=98227": ("赣县,江西赣县简介", "2020-12-12"),
    "https://www.hendeli.cn/country/countryInformation.php?countryID=1651": ("共青城市 城市信息", "c. 2025"),
    "http://www.avcorse.com/read-898611.html": ("共青城 | “一座温暖全世界的城市”", "2025-11-25"),
    "https://jx.cnipai.com/news/detail/189687.html": ("（第八批国家新型工业化产业示范基地）", "c. 2018"),
    "http://m.gbfmh.com/thread-1444859-1-158.html": ("（荆州、潜江、黄石大冶湖晋升国家高新区）", "2018-03"),
    "https://jsmbw.com/citiao/220200.html": ("宜春丰城高新技术产业开发区（词条）", ""),
    "http://investinchina.chinadaily.com.cn/s/201907/08/WS5d2301cf498e054923eaf9e3/yichun-fengcheng-high-tech-industrial-development-zone.html": (
        "Yichun Fengcheng High-tech Industrial Development Zone",
        "2019-07-08",
    ),
}
GONGQINGCHENG_PIFU = "国务院关于同意九江共青城高新技术产业园区升级为国家高新技术产业开发区的批复(2018年)"
FENGCHENG_PIFU = "国务院关于同意宜春丰城高新技术产业园区升级为国家高新技术产业开发区的批复(2018年)"

FACT_INDUSTRIES = {
    "电子信息": "electronic_info",
    "航空制造": "aviation",
    "航空": "aviation",
    "锂电": "lithium_battery",
    "新材料": "new_materials",
    "2+2主导产业": "lead_industries_total",
    "移动智能终端": "mobile_terminals",
    "铜产业": "copper",
    "再生铜": "recycled_copper",
    "铜精深加工": "copper_deep_processing",
    "钴": "cobalt",
    "稀土磁性材料": "rare_earth_magnets",
    "高技术产业": "high_tech_industries",
}
LEAD_INDUSTRIES = {  # zone -> industries in the order the source lists them; the first is 首位 where stated
    "nanchang": ["electronic_info", "aviation", "biomedicine", "new_materials"],
    "xinyu": ["new_energy", "new_materials", "optoelectronics", "equipment_manufacturing", "pharma_food"],
    "jingdezhen": ["aviation", "machinery_appliances", "electronic_info"],
    "yingtan": ["copper", "wire_harness", "electronic_info", "new_energy"],
    "fuzhou": ["biomedicine", "auto_parts", "electronic_info"],
    "jian": ["electronic_info", "green_food", "new_energy_materials", "intelligent_manufacturing"],
    "ganzhou": ["rare_metals", "rare_earth", "tungsten", "cobalt_nickel_lithium", "intelligent_equipment"],
    "gongqingcheng": ["textiles"],
    "fengcheng": [
        "circular_economy",
        "lithium_battery",
        "building_materials",
        "biomedicine",
        "high_end_equipment",
        "electronic_info",
    ],
}
FIRST_INDUSTRY = {"nanchang", "jingdezhen", "yingtan", "jian", "ganzhou", "gongqingcheng"}
AREA_KIND = {  # zone -> (kind id, zh, en); zones-sources.md: the column is heterogeneous
    "xinyu": ("planned", "园区规划面积", "planned area"),
    "jingdezhen": ("planned_industrial", "工业规划面积", "planned industrial area"),
    "fuzhou": ("approved_provincial", "省政府核准开发面积", "development area approved by the province"),
    "jian": ("long_range_planned", "远景规划总面积", "long-range planned area"),
    "ganzhou": ("planned_total", "总规划面积（市政府批复）", "total planned area (municipal approval)"),
    "gongqingcheng": ("approved_state_council", "国务院批复规划面积", "planned area approved by the State Council"),
    "fengcheng": ("approved_state_council", "国务院批复规划面积", "planned area approved by the State Council"),
}
NAME_EN_CONSTRUCTED = {"xinyu", "jingdezhen", "ganzhou", "gongqingcheng"}
CAUTION = re.compile(r"caution|weak|uncertain|inferred|not confirmed|not stated|implied", re.I)


def host_of(url: str) -> str:
    return urlparse(url).netloc


class Sources:
    """Collects one row per source (title + URL), numbered in order of first use."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict] = {}

    def id_for(self, title: str, url: str, date: str) -> str:
        key = (title.strip(), url.strip())
        if key not in self.rows:
            self.rows[key] = self._row(f"src{len(self.rows) + 1:03d}", *key, date)
        return self.rows[key]["source_id"]

    @staticmethod
    def _row(source_id: str, title: str, url: str, date: str) -> dict:
        host = host_of(url)
        if not url:
            trust, publisher, note = NO_URL[title]
        elif host in HOSTS:
            (trust, publisher), note = HOSTS[host], ""
        else:
            trust, publisher, note = "mirror", MIRROR_PUBLISHERS[host], "copy on an unrelated domain; check against the original"
        if title == SEED_TITLE:
            date = "2025-03"
        return {
            "source_id": source_id,
            "title": title,
            "publisher": publisher,
            "date": date,
            "url": url,
            "host": host,
            "trust": trust,
            "note": note,
        }


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(name: str, rows: list[dict], fields: list[str]) -> None:
    with (DATA / name).open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def mark_preferred(rows: list[dict], key_fields: list[str], rank) -> None:
    """Among rows describing the same thing, the best by `rank` is preferred; the others are kept."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in key_fields), []).append(r)
    for group in groups.values():
        best = min(group, key=rank)
        for r in group:
            r["preferred"] = "true" if r is best else "false"


def main(research: Path) -> None:
    """The first import: the research's facts, city context, zones and their sources written to data/."""
    sources = Sources()
    import_facts(research, sources)
    import_cities(research, sources)
    import_zones(research, sources)
    rows = sorted(sources.rows.values(), key=lambda s: s["source_id"])
    write("sources.csv", rows, ["source_id", "title", "publisher", "date", "url", "host", "trust", "note"])


def import_facts(research: Path, sources: Sources) -> None:
    """data/facts.csv from the three metrics files; of a seed "超过" row and an exact figure for
    the same thing, the exact one is preferred."""
    facts = []
    for name in ("metrics-a.csv", "metrics-b.csv", "metrics-c.csv"):
        for r in read(research / name):
            facts.append(
                {
                    "zone_id": r["zone_id"],
                    "year": r["year"],
                    "metric": r["metric"],
                    "industry": FACT_INDUSTRIES.get(r["industry"], r["industry"]) if r["industry"] else "",
                    "value": r["value"],
                    "unit": r["unit"],
                    "qualifier": r["qualifier"],
                    "source_title": r["source_title"],
                    "source_url": r["source_url"],
                    "source_date": "2025-03" if r["source_title"] == SEED_TITLE else r["source_date"],
                    "note": r["note"],
                    "source_id": sources.id_for(r["source_title"], r["source_url"], r["source_date"]),
                    "caution": "true" if CAUTION.search(r["note"]) else "false",
                }
            )
    # National 2024 pairs (seed "超过" vs exact figure): research notes say chart the exact rows.
    mark_preferred(
        facts, ["zone_id", "year", "metric", "industry"], lambda r: (r["qualifier"] != "exact", r["source_title"] == SEED_TITLE)
    )
    write("facts.csv", facts, [*FACT_COLUMNS, "source_id", "preferred", "caution"])


def import_cities(research: Path, sources: Sources) -> None:
    """data/city_facts.csv from cities.csv, each row's GDP vintage read from its note."""
    cities = []
    for r in read(research / "cities.csv"):
        m = re.match(r"vintage=\s*(first release|as-compiled|later revision|revised)", r["note"])
        vintage = (
            {"first release": "first_release", "as-compiled": "as_compiled", "later revision": "revised", "revised": "revised"}[
                m.group(1)
            ]
            if m
            else ""
        )
        cities.append(
            {
                "adcode": r["adcode"],
                "city_zh": r["city_zh"],
                "year": r["year"],
                "metric": r["metric"],
                "industry": "",
                "value": r["value"],
                "unit": r["unit"],
                "qualifier": r["qualifier"],
                "source_title": r["source_title"],
                "source_url": r["source_url"],
                "source_date": r["source_date"],
                "note": r["note"],
                "vintage": vintage,
                "source_id": sources.id_for(r["source_title"], r["source_url"], r["source_date"]),
                "caution": "true" if CAUTION.search(r["note"]) else "false",
            }
        )
    # cities-and-ranks-notes §2: compare levels on one vintage: the compilation (2019-2023), then
    # first releases (2024), revisions last.
    order = {"as_compiled": 0, "first_release": 1, "revised": 2, "": 3}
    mark_preferred(cities, ["adcode", "year", "metric", "industry"], lambda r: order[r["vintage"]])
    write("city_facts.csv", cities, ["adcode", "city_zh", *FACT_COLUMNS[1:], "vintage", "source_id", "preferred", "caution"])


def import_zones(research: Path, sources: Sources) -> None:
    """data/zones.csv and data/zone_industries.csv from zones.csv, each zone's source URLs graded."""
    zones, links = [], []
    for r in read(research / "zones.csv"):
        ids = []
        for url in r["source_urls"].split():
            if "flfgdq.cn" in url:
                title, date = GONGQINGCHENG_PIFU, "2018"
            elif "flfgsc.cn" in url:
                title, date = FENGCHENG_PIFU, "2018"
            else:
                title, date = ZONE_SOURCES[url]
            ids.append(sources.id_for(title, url, date))
        zid = r["zone_id"]
        kind = AREA_KIND.get(zid, ("", "", ""))
        zones.append(
            {
                "zone_id": zid,
                "name_zh": r["name_zh"],
                "short_zh": r["short_zh"],
                "name_en": r["name_en"],
                "short_en": r["short_en"],
                "name_en_constructed": "true" if zid in NAME_EN_CONSTRUCTED else "false",
                "city_zh": r["city_zh"],
                "city_en": r["city_en"],
                "city_adcode": r["city_adcode"],
                "county_zh": r["county_zh"],
                "approved_national": r["approved_national"],
                "area_km2": r["planned_area_km2"],
                "area_kind": kind[0],
                "area_kind_zh": kind[1],
                "area_kind_en": kind[2],
                "area_note": r["area_note"],
                "lon": r["lon"],
                "lat": r["lat"],
                "coord_quality": r["coord_quality"],
                "coord_note": r["coord_note"],
                "lead_industries_zh": r["lead_industries_zh"],
                "lead_industries_en": r["lead_industries_en"],
                "source_ids": " ".join(ids),
            }
        )
        for i, industry in enumerate(LEAD_INDUSTRIES[zid], start=1):
            links.append(
                {
                    "zone_id": zid,
                    "industry": industry,
                    "position": i,
                    "first_industry": "true" if i == 1 and zid in FIRST_INDUSTRY else "false",
                }
            )
    write("zones.csv", zones, list(zones[0]))
    write("zone_industries.csv", links, list(links[0]))


# ---------------------------------------------------------------------------------------------
# Round 2 (research/round2-facts.csv, round2-notes.md): 27 research rows -> 26 facts rows, 2 pool
# rows and a zone-registry fact. `python tools/import_research.py --round2 ../shared/research`
# prints the rows this mapping makes; tests/test_data_round2.py checks data/facts.csv holds them.
# ---------------------------------------------------------------------------------------------

# research `metric` description -> (metric id, industry id)
ROUND2_METRICS: dict[str, tuple[str, str]] = {
    "revenue (开发区营业收入, provincial-evaluation scope)": ("revenue_provincial", ""),
    "industrial_enterprises (工业企业数, all sizes)": ("industrial_enterprises", ""),
    "employees (从业人员, industrial companies)": ("industrial_employees", ""),
    "revenue (主营业务收入)": ("main_business_revenue", ""),
    "revenue_growth": ("main_business_revenue_growth", ""),  # both rows: growth of 主营业务收入
    "exports": ("exports", ""),
    "high_tech_industry_va_share (高新技术产业增加值占工业增加值比重)": ("high_tech_industry_va_share", ""),
    "provincial_rank (全省开发区争先创优综合考评)": ("provincial_rank", ""),
    "revenue_h1 (主营业务收入, Jan-Jun)": ("main_business_revenue_h1", ""),
    "high_tech_enterprises": ("high_tech_enterprises", ""),
    "enterprises (落户企业数)": ("enterprises", ""),
    "above_scale_enterprises (规上工业企业, 'large industrial companies')": ("above_scale_enterprises", ""),
    "industry_output [循环经济产业, 循环经济产业园]": ("industry_output", "circular_economy"),
    "industry_output [资源循环利用产业基地]": ("industry_output", "circular_economy"),
    "profit (利润总额)": ("profit", ""),
    "revenue (园区总收入)": ("revenue", ""),  # the exact value behind the 'over 5000' 园区营业总收入 row
    "industrial_revenue (园区工业营业收入)": ("industrial_revenue", ""),
    "national_rank": ("national_rank", ""),
    "industrial_output_rank (工业总产值单项排名)": ("industrial_output_rank", ""),
    "above_scale_enterprises (规上工业企业)": ("above_scale_enterprises", ""),
}
ROUND2_NOT_FACTS = {"planned_area_km2 (一区三园 total)"}  # Ganzhou's area: data/zones.csv
# research source URL -> existing or new source id (new ones are appended to data/sources.csv)
ROUND2_SOURCES = {
    "http://jx.cnipai.com/news/detail/291619.html": "src090",
    "http://investinchina.chinadaily.com.cn/s/201907/08/WS5d22fe0f498e054923eaf9e0/fuzhou-high-tech-industrial-development-zone.html": "src072",
    "http://m.jizihe.com/page/2021/0412/21228835.shtml": "src017",
    "http://investinchina.chinadaily.com.cn/a/201907/08/WS5d22fd01498e054923eaf9df.html": "src076",
    "http://investinchina.chinadaily.com.cn/s/201907/08/WS5d2301cf498e054923eaf9e3/yichun-fengcheng-high-tech-industrial-development-zone.html": "src089",
    "https://menafn.com/1110572397/Jiangxi-Fengcheng-Hosts-Circular-Economy-Industry-Innovation-And-Development-Conference-Sharing-Experience-In-Green-Transformation-Of-Chinas-Counties": "src091",
    "https://pressreader.com/hong-kong/china-daily/20240716/281651080335080": "src092",
    "http://nchdz.nc.gov.cn/ncgxq/yhyshj/202105/fdea53b299a747c5ad80fc6058b52b1c.shtml": "src093",
    "http://ycahj.com/a/nanchangxinwen/2020/0504/228449.html": "src002",
    "http://www.handmsg.com/page/2025/0227/25681161.shtml": "src094",
    "https://jsmbw.com/zhaoshang/518293.html": "src005",
}
ROUND2_NEW_SOURCES = [  # grades by the rule above: a repost on an unrelated domain is a mirror
    {
        "source_id": "src090",
        "publisher": "江西日报（转载）",
        "trust": "mirror",
        "note": "copy on an unrelated domain; check against the original",
    },
    {
        "source_id": "src091",
        "publisher": "MENAFN（会议新闻稿转发；新华每日电讯、新华社江西分社协办）",
        "trust": "news",
        "note": "press release of a conference, distributed by MENAFN (also on GlobeNewswire 2026-01-08)",
    },
    {
        "source_id": "src092",
        "publisher": "China Daily（PressReader 版面）",
        "trust": "news",
        "note": "China Daily print edition as published on PressReader",
    },
    {"source_id": "src093", "publisher": "南昌高新区管委会官网", "trust": "official", "note": ""},
    {
        "source_id": "src094",
        "publisher": "杂志稿（转载，原刊未显示）",
        "trust": "mirror",
        "note": "copy on an unrelated domain; check against the original",
    },
]
# Which row of a (zone, year, metric, industry) pair the charts use: (zone, year, metric, source id)
ROUND2_NOT_PREFERRED = {("nanchang", "2024", "national_rank", "src094")}  # the seed row stays preferred
# Rows whose note says the figure is uncertain (reference year not stated, scope not stated, an
# interpretation): see the caution rule in data/README.md
ROUND2_CAUTION = {
    ("fuzhou", "2019", "industrial_enterprises"),
    ("fuzhou", "2019", "industrial_employees"),
    ("jian", "2019", "high_tech_enterprises"),
    ("jian", "2019", "enterprises"),
    ("fengcheng", "2019", "above_scale_enterprises"),
    ("fengcheng", "2019", "high_tech_enterprises"),
    ("fengcheng", "2024", "industry_output"),
    ("fengcheng", "2023", "industry_output"),
    ("nanchang", "2020", "above_scale_enterprises"),
}
# The pool sizes of the provincial evaluation, from the quotes of the rank rows of the same sources
ROUND2_POOLS = [
    (
        "2019",
        "99",
        "http://ycahj.com/a/nanchangxinwen/2020/0504/228449.html",
        "在全省99个开发区中位列全省第一",
        "2019年度 provincial 开发区争先创优综合考评: number of Jiangxi development zones (all levels, not only the nine national high-tech zones) evaluated, from the same report as Nanchang's first place",
    ),
    (
        "2020",
        "98",
        "http://nchdz.nc.gov.cn/ncgxq/yhyshj/202105/fdea53b299a747c5ad80fc6058b52b1c.shtml",
        "在全省98个开发区中位列全省第一",
        "2020年度 provincial 开发区争先创优综合考评: number of Jiangxi development zones (all levels, not only the nine national high-tech zones) evaluated, from the same report as Nanchang's first place",
    ),
]
BASELINE_BEFORE = 2018  # rows before the dashboard's range (2018-2025) are baselines only


def round2_rows(research: Path, sources: dict[str, dict]) -> list[dict]:
    """The facts rows round 2 adds, in research order, then the two provincial pool rows.

    `sources` maps source id -> its sources.csv row (title, date). Values are kept as the research
    wrote them; `quote` is the research's quote; `note_zh` is written by hand in data/facts.csv.
    """
    rows = [_round2_fact(r, sources) for r in read(research / "round2-facts.csv") if r["metric"] not in ROUND2_NOT_FACTS]
    return rows + [_pool_fact(*pool, sources) for pool in ROUND2_POOLS]


def _round2_fact(r: dict, sources: dict[str, dict]) -> dict:
    """One research row of round2-facts.csv as a facts row: metric and source ids mapped, flags set."""
    metric, industry = ROUND2_METRICS[r["metric"]]
    sid = ROUND2_SOURCES[r["source_url"]]
    key = (r["zone_id"], r["year"], metric)
    return {
        "zone_id": r["zone_id"],
        "year": r["year"],
        "metric": metric,
        "industry": industry,
        "value": r["value"],
        "unit": r["unit"],
        "qualifier": r["qualifier"],
        "source_title": sources[sid]["title"],
        "source_url": r["source_url"],
        "source_date": r["source_date"] or sources[sid]["date"],
        "note": r["note"],
        "source_id": sid,
        "preferred": "false" if key + (sid,) in ROUND2_NOT_PREFERRED else "true",
        "caution": "true" if key in ROUND2_CAUTION else "false",
        "quote": r["quote"],
        "baseline": "true" if int(r["year"]) < BASELINE_BEFORE else "false",
    }


def _pool_fact(year: str, value: str, url: str, quote: str, note: str, sources: dict[str, dict]) -> dict:
    """A provincial evaluation's pool size (how many zones it ranked) as a `jiangxi_all` facts row."""
    sid = ROUND2_SOURCES[url]
    return {
        "zone_id": "jiangxi_all",
        "year": year,
        "metric": "provincial_zones_ranked",
        "industry": "",
        "value": value,
        "unit": "个",
        "qualifier": "exact",
        "source_title": sources[sid]["title"],
        "source_url": url,
        "source_date": sources[sid]["date"],
        "note": note,
        "source_id": sid,
        "preferred": "true",
        "caution": "false",
        "quote": quote,
        "baseline": "false",
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--round2"]:
        research = Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/research")
        known = {r["source_id"]: r for r in read(DATA / "sources.csv")}
        out = csv.DictWriter(sys.stdout, fieldnames=list(round2_rows(research, known)[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(round2_rows(research, known))
    else:
        main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/research"))
