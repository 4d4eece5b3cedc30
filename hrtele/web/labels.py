"""French labels for the codes stored in the database."""

LABELS: dict[str, dict[str, str]] = {
    "request_status": {
        "pending": "En attente",
        "accepted": "Acceptée",
        "refused": "Refusée",
        "withdrawn": "Retirée",
    },
    "agreement_status": {
        "draft": "Brouillon",
        "issued": "Avenant émis",
        "signed": "Signé",
        "adaptation": "Actif — période d'adaptation",
        "active": "Actif",
        "suspended": "Suspendu",
        "ending": "Fin notifiée",
        "ended": "Terminé",
        "cancelled": "Abandonné",
        "imposed": "Imposé (circonstances exceptionnelles)",
    },
    "place_kind": {"home": "Domicile", "third_place": "Tiers-lieu"},
    "third_place_type": {
        "": "",
        "telecentre": "Télécentre",
        "coworking": "Espace de coworking",
        "site_local": "Site local de l'employeur",
    },
    "allowance_scheme": {
        "none": "Aucune indemnité forfaitaire",
        "flat_monthly": "Forfait mensuel",
        "per_weekly_day": "Montant mensuel par jour hebdomadaire télétravaillé",
        "per_day": "Montant par jour télétravaillé (plafond mensuel)",
        "one_off": "Indemnité unique au démarrage",
    },
    "initiative": {"employee": "Salarié", "employer": "Employeur"},
    "agreement_kind": {
        "regular": "Avenant de télétravail",
        "exceptional": "Télétravail imposé (circonstances exceptionnelles, L1222-11)",
    },
    "agreement_event": {
        "draft": "Accord rédigé",
        "issue": "Avenant émis",
        "reissue": "Nouvelle version de l'avenant émise",
        "sign": "Avenant signé par les deux parties",
        "activate": "Télétravail démarré",
        "end_adaptation": "Période d'adaptation close",
        "notify_end": "Fin du télétravail notifiée",
        "complete_end": "Fin du télétravail constatée",
        "suspend": "Télétravail suspendu (circonstances exceptionnelles)",
        "resume": "Télétravail repris",
        "amend": "Avenant modificatif décidé",
        "renew": "Accord renouvelé",
        "cancel": "Accord abandonné",
        "start_imposed": "Télétravail imposé (circonstances exceptionnelles, L1222-11)",
    },
    "notification_method": {
        "lrar": "Lettre recommandée avec demande d'avis de réception",
        "hand_delivery": "Lettre remise en main propre contre décharge",
    },
    "ending_phase": {
        "adaptation": "Pendant la période d'adaptation",
        "after_adaptation": "Après la période d'adaptation",
    },
    "role": {"admin": "Administrateur", "hr": "Ressources humaines", "employee": "Salarié"},
    "commute_mode": {
        "voiture": "Voiture",
        "covoiturage": "Covoiturage",
        "moto": "Deux-roues motorisé",
        "transports": "Transports en commun",
        "train": "Train",
        "velo": "Vélo",
        "marche": "Marche",
    },
    "document_kind": {
        "amendment": "Avenant de télétravail",
        "reversibility_notice": "Notification de fin de télétravail",
        "refusal_letter": "Lettre de refus motivé",
        "interview_record": "Compte rendu d'entretien annuel",
        "observatory": "Observatoire du télétravail",
    },
    "audit_action": {
        "create": "Création",
        "update": "Modification",
        "delete": "Suppression",
        "download": "Téléchargement",
        "access_denied": "Accès refusé",
        "login": "Connexion",
        "logout": "Déconnexion",
        "login_failed": "Échec de connexion",
        "transition": "Changement d'état",
        "issue": "Émission",
        "export": "Export",
        "import": "Import",
    },
}


def choices(kind: str, include_empty: bool = False) -> list[tuple[str, str]]:
    """(code, label) pairs for a select field."""
    items = [(k, v) for k, v in LABELS[kind].items() if k or include_empty]
    return items
