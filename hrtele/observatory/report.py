"""Charts and the printable edition (« Observatoire du télétravail ») built from an Observatory."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from hrtele import clock
from hrtele.observatory.services import Observatory
from hrtele.observatory.svg import bar_chart, column_chart
from hrtele.web.filters import date_fr, euros, number_fr
from hrtele.web.labels import LABELS

PDF_TEMPLATE = "observatory.html"
PDF_TITLE = "Observatoire du télétravail"
CHART_TITLES = {
    "requests": "Demandes de télétravail par état",
    "refusals": "Refus par motif",
    "days": "Répartition des jours de télétravail par semaine",
    "categories": "Télétravailleurs actifs par catégorie",
    "departments": "Télétravailleurs actifs par service",
    "places": "Lieux de télétravail (domicile et tiers-lieux)",
    "trend_teleworkers": "Télétravailleurs par mois (12 derniers mois)",
    "trend_km": "Kilomètres de trajet évités par mois (12 derniers mois)",
    "trend_budget": "Budget mensuel des indemnités (12 derniers mois)",
}
REQUEST_LABELS = {"accepted": "Acceptées", "refused": "Refusées", "pending": "En attente",
                  "withdrawn": "Retirées"}


def days_label(days: Decimal) -> str:
    """« 1 jour », « 1,5 jour », « 2 jours »."""
    return f"{number_fr(days)} {'jour' if days < 2 else 'jours'}"


def percent(value: Decimal | None) -> str:
    """« 42,5 % » or « — »."""
    return "—" if value is None else f"{number_fr(value)}\u00a0%"


def charts(obs: Observatory) -> dict[str, Markup]:
    """Every chart of the observatory, as inline SVG markup."""
    requests = [(label, obs.requests.get(status, 0)) for status, label in REQUEST_LABELS.items()]
    trend = obs.trend
    return {
        "requests": bar_chart(
            "graphique-demandes", CHART_TITLES["requests"],
            "Nombre de demandes acceptées, refusées, en attente et retirées ; les chiffres "
            "figurent dans le tableau voisin.", requests),
        "refusals": bar_chart(
            "graphique-refus", CHART_TITLES["refusals"],
            "Nombre de demandes refusées pour chaque motif du catalogue des motifs de refus.",
            obs.refusal_reasons),
        "days": bar_chart(
            "graphique-jours", CHART_TITLES["days"],
            f"Nombre d'accords actifs selon le nombre de jours de télétravail par semaine ; "
            f"moyenne {number_fr(obs.average_days) if obs.average_days is not None else '—'} "
            "jour(s).",
            [(days_label(d), n) for d, n in obs.days_distribution]),
        "categories": bar_chart(
            "graphique-categories", CHART_TITLES["categories"],
            "Nombre de télétravailleurs actifs dans chaque catégorie de personnel.",
            [(b.label, b.teleworkers) for b in obs.by_category]),
        "departments": bar_chart(
            "graphique-services", CHART_TITLES["departments"],
            "Nombre de télétravailleurs actifs dans chaque service ou direction.",
            [(b.label, b.teleworkers) for b in obs.by_department]),
        "places": bar_chart(
            "graphique-lieux", CHART_TITLES["places"],
            "Nombre d'accords actifs selon le lieu principal de télétravail.",
            obs.by_place),
        "trend_teleworkers": column_chart(
            "graphique-tendance-teletravailleurs", CHART_TITLES["trend_teleworkers"],
            "Nombre de salariés couverts par un accord de télétravail chaque mois.",
            [(m.label, m.teleworkers) for m in trend]),
        "trend_km": column_chart(
            "graphique-tendance-km", CHART_TITLES["trend_km"],
            "Estimation des kilomètres domicile-travail évités chaque mois (aller et retour).",
            [(m.label, m.km) for m in trend]),
        "trend_budget": column_chart(
            "graphique-tendance-budget", CHART_TITLES["trend_budget"],
            "Estimation du montant des indemnités de télétravail de chaque mois, en euros.",
            [(m.label, m.budget) for m in trend], value_text=lambda v: number_fr(v, 0)),
    }


def pdf_context(obs: Observatory, employer_name: str, generated: datetime) -> dict[str, Any]:
    """Plain values for templates/pdf/observatory.html (strings, lists, SVG markup; never None)."""
    current = obs.current
    return {
        "employer": employer_name or "Employeur",
        "reference": f"Observatoire du {date_fr(obs.today)}",
        "today": date_fr(obs.today),
        "generated": generated.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M"),
        "titles": CHART_TITLES,
        "key_figures": [
            ("Postes télétravaillables",
             f"{obs.eligible_posts} sur {obs.posts} ({percent(obs.eligible_share)})"),
            ("Salariés actifs", str(obs.employees)),
            ("Volontaires (au moins une demande)",
             f"{obs.volunteers} ({percent(obs.volunteer_share)} des salariés actifs)"),
            ("Demandes acceptées", str(obs.requests.get("accepted", 0))),
            ("Demandes refusées", str(obs.refused)),
            ("Part des demandes acceptées (parmi les décisions)", percent(obs.acceptance_share)),
            ("Télétravailleurs actifs",
             f"{obs.teleworkers} ({percent(obs.teleworker_share)} des salariés actifs)"),
            ("Jours de télétravail par semaine (moyenne)",
             number_fr(obs.average_days) if obs.average_days is not None else "—"),
            (f"Budget des indemnités ({current.long_label}, estimation)", euros(current.budget)),
            ("Projection annuelle du budget", euros(obs.yearly_projection)),
            (f"Kilomètres évités ({current.long_label})", f"{number_fr(current.km)} km"),
            (f"Heures de trajet évitées ({current.long_label})", f"{number_fr(current.hours)} h"),
            (f"CO₂ évité ({current.long_label})", f"{number_fr(current.co2_kg)} kg"),
        ],
        "refusals": [(reason, str(n)) for reason, n in obs.refusal_reasons],
        "categories": [_breakdown_row(b) for b in obs.by_category],
        "departments": [_breakdown_row(b) for b in obs.by_department],
        "places": [(label, str(n)) for label, n in obs.by_place],
        "days": [(days_label(d), str(n)) for d, n in obs.days_distribution],
        "trend": [
            (m.long_label, str(m.teleworkers), number_fr(m.days), number_fr(m.km),
             number_fr(m.hours), number_fr(m.co2_kg), euros(m.budget))
            for m in obs.trend
        ],
        "co2_factors": [(LABELS["commute_mode"].get(k, k), str(v))
                        for k, v in obs.co2_factors.items()],
        "speed": str(obs.speed_kmh),
        "charts": charts(obs),
    }


def _breakdown_row(b) -> tuple[str, str, str, str, str, str]:
    return (b.label, str(b.posts), str(b.eligible_posts), str(b.employees), str(b.volunteers),
            str(b.teleworkers))


def render_observatory_pdf(obs: Observatory, employer_name: str,
                           generated: datetime | None = None) -> bytes:
    """The printable edition through the documents pipeline (restricted fetcher, tagged PDF/A-3a)."""
    from hrtele.documents.render import render_template_pdf

    generated = generated or clock.now_utc()
    return render_template_pdf(
        PDF_TEMPLATE,
        pdf_context(obs, employer_name, generated),
        title=f"{PDF_TITLE} – {date_fr(obs.today)}",
        author=employer_name or "hrtele",
        subject="Indicateurs du télétravail : postes, demandes, télétravailleurs, indemnités, "
                "trajets évités",
        created=generated,
    )
