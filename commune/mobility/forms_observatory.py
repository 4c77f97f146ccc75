"""Forms of the observatory: the analysts' filters (GET, read into Filters), the public page's
period, and the evaluation request (POST)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from commune.core.bounds import BoundedDateField, DateWindow

MAX_PERIOD_DAYS = 366
#: Counts go back decades at most, and a period may reach a little into the future. A date in
#: year 9999 passed the form and overflowed the day after the period's end (a 500).
OBSERVED_DATES = DateWindow(years_before=30, years_after=1)
MODE_LABELS = {
    "car": _("Cars"),
    "heavy": _("Heavy vehicles"),
    "bus": _("Buses"),
    "bicycle": _("Bicycles"),
    "pedestrian": _("Pedestrians"),
    "all": _("Unclassified"),
}


#: Beyond this many sites a list to pick from is unusable (and its HTML alone weighs megabytes
#: at a canton's 11,000 sites): the analyst types the sites' ids instead.
SITE_LIST_MAX = 300


class SiteIdsInput(forms.TextInput):
    """Site ids typed in one box, separated by commas or spaces; also reads `site=A&site=B`
    (the list's way), so links and exports built either way keep working."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return [part for value in values for part in value.replace(",", " ").split() if part]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return super().format_value(value)


class ObservatoryFilterForm(forms.Form):
    """Period (inclusive local dates), mode and sites. Built with the town's catalogue, so only
    modes and sites that exist are offered; empty means all."""

    start = BoundedDateField(label=_("From"), window=OBSERVED_DATES)
    end = BoundedDateField(label=_("To (inclusive)"), window=OBSERVED_DATES)
    mode = forms.ChoiceField(label=_("Mode"), required=False)
    site = forms.MultipleChoiceField(
        label=_("Counting sites"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("None selected means all sites."),
    )
    compare = forms.ChoiceField(
        label=_("Compare with"),
        required=False,
        choices=[
            ("", _("No comparison")),
            ("previous", _("The period just before")),
            ("year", _("The same weeks a year earlier")),
        ],
    )

    def __init__(self, data, *, modes: list[str], sites: list[tuple[str, str]], initial=None):
        super().__init__(data, initial=initial)
        self.fields["mode"].choices = [("", _("All modes"))] + [
            (m, MODE_LABELS.get(m, m)) for m in modes
        ]
        self.fields["site"].choices = sites
        if len(sites) > SITE_LIST_MAX:
            field = self.fields["site"]
            field.widget = SiteIdsInput(attrs={"autocomplete": "off", "spellcheck": "false"})
            field.help_text = _(
                "Type the ids of the sites, separated by commas (the exports list every site "
                "with its id). Empty means all sites."
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
                )
        return data


class OpenPeriodForm(forms.Form):
    """The public page's only choice: one of the periods whose open data is published (a month
    or a week of it). No free dates, sites or modes: each would be a new table to subtract."""

    period = forms.ChoiceField(label=_("Published period"))

    def __init__(self, data, *, choices: list[tuple[str, list[tuple[str, str]]]], initial=None):
        super().__init__(data, initial=initial)
        self.fields["period"].choices = choices


def default_period(last: dt.date | None, *, months: int = 3) -> tuple[dt.date, dt.date]:
    """The last `months` calendar months of data, from the 1st, up to its last day (inclusive),
    or up to today: how analysts read their figures, and what the rollups kept per month
    answer without reading hours (analytics/rollups.py)."""
    end = last or dt.date.today()  # noqa: DTZ011 - a local calendar date is what is meant
    month = end.year * 12 + end.month - 1 - (months - 1)
    return dt.date(month // 12, month % 12 + 1, 1), end


class EvaluationForm(forms.Form):
    """An intervention to evaluate: treated and control sites, date, before/after windows."""

    title = forms.CharField(label=_("Title"), max_length=200)
    treated = forms.MultipleChoiceField(
        label=_("Treated sites"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The sites where the change was made."),
    )
    control = forms.MultipleChoiceField(
        label=_("Control sites"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Comparable sites the change did not touch."),
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        help_text=_("One mode per evaluation: cars and bicycles are never added together."),
    )
    intervention_date = BoundedDateField(label=_("Intervention date"), window=OBSERVED_DATES)
    before_days = forms.IntegerField(label=_("Days before"), min_value=7, max_value=366, initial=56)
    after_days = forms.IntegerField(label=_("Days after"), min_value=7, max_value=366, initial=56)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    field_order = [
        "title",
        "treated",
        "mode",
        "intervention_date",
        "before_days",
        "after_days",
        "control",
    ]

    def __init__(
        self,
        *args,
        sites: list[tuple[str, str]],
        modes: list[str] = (),
        site_modes: dict[str, list[str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.site_modes = site_modes or {}
        self.fields["treated"].choices = sites
        self.fields["control"].choices = sites
        self.fields["mode"].choices = [(m, MODE_LABELS.get(m, m)) for m in modes]
        if "car" in modes:
            self.fields["mode"].initial = "car"

    def suggestion_request(self) -> dict | None:
        """What ranking control sites needs (treated sites, mode, date, days before), when
        those fields are valid; None otherwise (their errors are on the form)."""
        self.full_clean()
        needed = ("treated", "mode", "intervention_date", "before_days")
        if any(name in self.errors for name in needed):
            self._errors = ErrorDict({k: v for k, v in self.errors.items() if k in needed})
            return None
        self._errors = ErrorDict()
        return {name: self.cleaned_data[name] for name in needed}

    def clean(self):
        data = super().clean()
        both = set(data.get("treated") or []) & set(data.get("control") or [])
        if both:
            raise forms.ValidationError(
                _("A site cannot be both treated and control: %(sites)s")
                % {"sites": ", ".join(sorted(both))}
            )
        mode = data.get("mode")
        chosen = list(data.get("treated") or []) + list(data.get("control") or [])
        without = [site for site in chosen if mode and mode not in self.site_modes.get(site, [])]
        if self.site_modes and without:
            raise forms.ValidationError(
                _("No counts of this mode (%(mode)s) at: %(sites)s")
                % {"mode": MODE_LABELS.get(mode, mode), "sites": ", ".join(without)}
            )
        return data


@dataclass
class Filters:
    start: dt.date
    end: dt.date  # inclusive
    modes: list[str] | None
    sites: list[str] | None
    form: ObservatoryFilterForm
    valid: bool = True
    compare: str = ""

    @property
    def compared(self) -> tuple[dt.date, dt.date] | None:
        """The other period (inclusive dates): as long as this one, just before it, or 52 weeks
        earlier (the same weekdays: a Monday is compared with a Monday)."""
        days = (self.end - self.start).days + 1
        if self.compare == "previous":
            return self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1)
        if self.compare == "year":
            shift = dt.timedelta(weeks=52)
            return self.start - shift, self.end - shift
        return None

    @property
    def query(self) -> dict:
        """The filter in force as query parameters: the page's export links carry it, so they
        download what the page shows (its defaults when none was given or it was refused)."""
        query = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.modes:
            query["mode"] = self.modes[0]
        if self.sites:
            query["site"] = self.sites
        if self.compare:
            query["compare"] = self.compare
        return query


def filters_from(params, catalogue: dict) -> Filters:
    """Read the GET filters; invalid ones leave the defaults in force (and the form's errors).
    A date not given is the default period's, so the page shows it in its date box."""
    sites = catalogue["sites"]
    site_choices = [(r.site_id, f"{r.name} ({r.site_id})") for r in sites.itertuples()]
    start, end = default_period(catalogue["last"])
    data = params.copy()
    for name, default in (("start", start), ("end", end)):
        if not data.get(name):
            data[name] = default.isoformat()
    form = ObservatoryFilterForm(data, modes=catalogue["modes"], sites=site_choices)
    if not form.is_valid():
        return Filters(start, end, None, None, form, valid=False)
    data = form.cleaned_data
    return Filters(
        data["start"],
        data["end"],
        [data["mode"]] if data["mode"] else None,
        list(data["site"]) or None,
        form,
        compare=data["compare"],
    )
