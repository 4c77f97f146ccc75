"""An evaluation's result in words and figures for its readers: the plain-language summary in
the town's language (which sites, where, how much in per cent and per day, the verdict), the
method line, the warnings of the diagnostics, and figures written in the active locale
(p-values as "< 0,001", signed per cents with a real minus, vehicles a day).

Results stored before the diagnostics existed (no verdict, no per-day figures) still read:
their French sentence is shown as it was written.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, translation
from django.utils.translation import gettext as _

from .forms_observatory import MODE_LABELS

MINUS = "\u2212"


def signed(value: float, decimals: int = 1) -> str:
    """+12,3 (fr) or −4.5 (en): the active locale's decimal mark, a real minus sign."""
    text = formats.number_format(round(abs(value), decimals), decimals, force_grouping=True)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def pct(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{signed(value, decimals)}\u00a0%"


def p_value(value: float | None) -> str:
    """Three decimals, "< 0,001" below (never a misleading 0,000)."""
    if value is None:
        return "—"
    if value < 0.001:
        return "<\u00a0" + formats.number_format(0.001, 3)
    return formats.number_format(value, 3)


def per_day(value: float | None) -> str:
    return "—" if value is None else signed(value, 0)


def unit(mode: str) -> str:
    """What is counted, per day."""
    return {
        "car": _("vehicles a day"),
        "heavy": _("vehicles a day"),
        "bus": _("vehicles a day"),
        "bicycle": _("bicycles a day"),
        "pedestrian": _("persons a day"),
    }.get(mode, _("passages a day"))


def _names(ids: list[str], names: dict[str, str]) -> str:
    labels = [names.get(i, i) for i in ids]
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def verdict_text(verdict: str) -> str:
    return {
        "net": _("a net change, beyond the usual variations"),
        "none": _("not distinguishable from no change at all"),
        "drift": _(
            "an apparent change, but it could be the continuation of a trend already under "
            "way before the intervention"
        ),
        "few_sites": _(
            "an apparent change, but with one treated and one control site the interval only "
            "reflects day-to-day variation: it is too narrow"
        ),
    }[verdict]


def traffic(mode: str) -> str:
    """What was counted, as the subject of the summary."""
    return {
        "car": _("car traffic"),
        "heavy": _("heavy vehicle traffic"),
        "bus": _("bus traffic"),
        "bicycle": _("bicycle traffic"),
        "pedestrian": _("pedestrian traffic"),
    }.get(mode, _("traffic"))


def summary(result: dict, *, town_name: str) -> str:
    """The plain-language summary, in the active language (call it under the town's)."""
    names = result.get("site_names") or {}
    pooled = result["pooled"]
    mode = result.get("mode", "")
    return _(
        "At the sites %(treated)s (%(town)s), %(what)s changed by %(effect)s compared with "
        "%(control)s (95 %% interval: %(low)s to %(high)s), that is %(per_day)s %(unit)s "
        "(%(per_day_low)s to %(per_day_high)s): %(verdict)s."
    ) % {
        "what": traffic(mode),
        "treated": _names(result["treated"], names),
        "town": town_name,
        "control": _names(result["control"], names),
        "effect": pct(pooled["effect_pct"], 0),
        "low": pct(pooled["low_pct"], 0),
        "high": pct(pooled["high_pct"], 0),
        "per_day": per_day(pooled["per_day"]),
        "unit": unit(mode),
        "per_day_low": per_day(pooled["per_day_low"]),
        "per_day_high": per_day(pooled["per_day_high"]),
        "verdict": verdict_text(pooled["verdict"]),
    }


def method(result: dict) -> str:
    inference = result.get("inference") or {}
    if inference.get("kind") == "sites":
        return _(
            "Difference-in-differences on daily totals, with each site's usual level for each "
            "weekday taken from the before period; 95 %% interval from how much the sites "
            "differ from one another (Student's t, %(df)s degrees of freedom), so that days "
            "that resemble each other do not make it too narrow; a net change must also hold "
            "once the trend seen before the intervention is extended."
        ) % {"df": inference["df"]}
    return _(
        "Difference-in-differences on daily totals, with each site's usual level for each "
        "weekday taken from the before period; 95 %% interval by permutation of "
        "%(block)s-day blocks in time (one treated and one control site: sites cannot be "
        "compared with one another)."
    ) % {"block": inference.get("block_days", 1)}


def warnings(result: dict) -> list[str]:
    """Each diagnostic that calls for caution, in plain words."""
    out = []
    codes = result.get("warnings", [])
    trend = result.get("pretrend") or {}
    if "few_sites" in codes:
        out.append(
            _(
                "Only one treated and one control site: the interval cannot take into account "
                "how much sites differ from one another. Add control sites."
            )
        )
    if "few_controls" in codes:
        out.append(
            _(
                "Fewer than three control sites: the interval is wide. More control sites "
                "that move like the treated ones would make it narrower."
            )
        )
    if "pretrend" in codes:
        out.append(
            _(
                "Before the intervention, the treated sites were already moving away from the "
                "control sites by %(pct)s a week: the comparison assumes they would have kept "
                "moving together."
            )
            % {"pct": pct(trend.get("pct_per_week"))}
        )
    if "drift" in codes:
        out.append(
            _(
                "Extending the trend of the before period explains the change: it is not "
                "counted as a net change."
            )
        )
    if "placebo" in codes:
        dates = [
            formats.date_format(dt.date.fromisoformat(p["date"]), "SHORT_DATE_FORMAT")
            for p in result.get("placebos", [])
            if p["significant"]
        ]
        out.append(
            _(
                "A fake intervention date in the before period (%(dates)s) also shows a "
                "change: the comparison is fragile."
            )
            % {"dates": ", ".join(dates)}
        )
    if "incomplete_days" in codes:
        out.append(
            _(
                "%(n)s site-days with too many missing hours were left out (the others were "
                "completed from the site's usual hours)."
            )
            % {"n": result.get("days_incomplete", 0)}
        )
    return out


def effect_rows(result: dict) -> list[dict]:
    """The pooled effect first, then each treated site (by name): figures as text."""
    names = result.get("site_names") or {}
    rows = [("pooled", _("All treated sites (pooled)"), result["pooled"])]
    rows += [(site, names.get(site, site), res) for site, res in result["per_site"].items()]
    out = []
    for key, label, res in rows:
        out.append(
            {
                "key": key,
                "label": label,
                "effect_pct": res["effect_pct"],
                "low_pct": res["low_pct"],
                "high_pct": res["high_pct"],
                "effect": pct(res["effect_pct"]),
                "interval": f"{pct(res['low_pct'])} … {pct(res['high_pct'])}",
                "p_value": p_value(res.get("p_value")),
                "per_day": per_day(res.get("per_day")),
                "per_day_interval": (
                    f"{per_day(res['per_day_low'])} … {per_day(res['per_day_high'])}"
                    if "per_day" in res
                    else "—"
                ),
                "days": f"{res['days_before']} / {res['days_after']}",
                "verdict": verdict_text(res["verdict"]) if "verdict" in res else "",
            }
        )
    return out


def evaluation_words(result: dict, *, town) -> dict:
    """Everything the result page and the report write: the summary in the town's language
    (with its language code), the rest in the active (reader's) language."""
    if "verdict" in result:
        with translation.override(town.default_language):
            text = summary(result, town_name=town.name)
        language = town.default_language
    else:
        text, language = result.get("summary_fr", ""), "fr"
    trend = result.get("pretrend")
    return {
        "weeks": [
            {
                "week": w["week"],
                "start": dt.date.fromisoformat(w["start"]),
                "end": dt.date.fromisoformat(w["end"]),
                "days": w["days"],
                "effect": pct(w["effect_pct"]),
                "interval": (
                    f"{pct(w['low_pct'])} … {pct(w['high_pct'])}"
                    if w.get("low_pct") is not None
                    else "—"
                ),
            }
            for w in result.get("event_study", [])
        ],
        "pretrend": trend
        and {
            "pct": pct(trend["pct_per_week"], 2),
            "low": pct(trend["low_pct"], 2),
            "high": pct(trend["high_pct"], 2),
            "p": p_value(trend["p_value"]),
            "warn": trend["warn"],
        },
        "placebos": [
            {
                "date": dt.date.fromisoformat(p["date"]),
                "effect": pct(p["effect_pct"]),
                "interval": f"{pct(p['low_pct'])} … {pct(p['high_pct'])}",
                "p_value": p_value(p["p_value"]),
                "significant": p["significant"],
            }
            for p in result.get("placebos", [])
        ],
        "summary": text,
        "summary_language": language,
        "method": method(result) if "inference" in result else result.get("method", ""),
        "warnings": warnings(result),
        "rows": effect_rows(result),
        "unit": unit(result.get("mode", "")),
        "mode": MODE_LABELS.get(result.get("mode", ""), _("All modes summed (older evaluation)")),
    }
