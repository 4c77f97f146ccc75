"""The French sentence kept in the result for the command line and JSON readers (the web side
writes its own, in the town's language, from the same figures)."""

from __future__ import annotations

VERDICTS = {
    "net": "changement net, au-delà des variations habituelles",
    "none": "pas distinguable d'une absence de changement",
    "drift": (
        "changement apparent, mais il pourrait prolonger une évolution déjà en cours avant "
        "l'intervention"
    ),
    "few_sites": (
        "changement apparent, mais avec un seul site témoin et un seul site traité l'intervalle "
        "ne tient compte que des variations d'un jour à l'autre"
    ),
}


def _fmt(p: float) -> str:
    r = round(p)
    sign = "+" if r > 0 else ("−" if r < 0 else "")
    return f"{sign}{abs(r)} %"


def summary_fr(result: dict, *, label: str = "les passages aux sites concernés") -> str:
    """One French sentence a town council can read, e.g. for the pooled effect."""
    verdict = result.get("verdict") or ("net" if result["significant"] else "none")
    return (
        f"{label[0].upper()}{label[1:]} ont changé de {_fmt(result['effect_pct'])} "
        f"(intervalle à 95 % : {_fmt(result['low_pct'])} à {_fmt(result['high_pct'])}) : "
        f"{VERDICTS[verdict]}."
    )
