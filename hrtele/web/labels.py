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
    "reversibility_clause": {
        "notice": "Chacune des parties peut y mettre fin en respectant le délai de prévenance",
        "mutual": "Fin uniquement d'un commun accord entre les parties",
    },
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
        "create": "Accord rédigé",
        "edit": "Avenant modifié avant signature",
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
        "reminder": "Rappels envoyés par e-mail",
        "issue": "Émission",
        "integrity_error": "Document altéré (empreinte non conforme)",
        "export": "Export",
        "import": "Import",
        "read": "Consultation",
        "invite": "Lien d'invitation créé",
        "invitation_used": "Mot de passe choisi (invitation)",
        "password_change_failed": "Changement de mot de passe refusé",
        "sessions_closed": "Sessions fermées",
        "revoke": "Révocation",
        "signature_start": "Signature électronique lancée",
        "sign": "Signature électronique",
        "signature_refused": "Signature électronique refusée",
        "verify": "Vérification d'un PDF",
    },
    "object_type": {
        "users": "Compte",
        "list": "Liste (export)",
        "employees": "Salarié",
        "posts": "Poste",
        "places": "Lieu de télétravail",
        "telework_requests": "Demande",
        "agreements": "Accord",
        "agreement_events": "Événement d'accord",
        "equipment_items": "Équipement",
        "annual_interviews": "Entretien annuel",
        "priority_informations": "Information prioritaire",
        "absences": "Absence",
        "issued_documents": "Document émis",
        "signed_scans": "Document signé",
        "payroll_exports": "Export paie",
        "urssaf_ceilings": "Plafond URSSAF",
        "import_batches": "Import",
        "employers": "Employeur",
        "establishments": "Établissement",
        "categories": "Catégorie",
        "policies": "Politique",
        "route": "Page",
        "api_tokens": "Jeton d'API",
        "signature_evidences": "Preuve de signature",
        "pdf": "PDF vérifié",
        "refusal_reasons": "Motif de refus",
    },
    "signature_order": {
        "employee_first": "Le salarié signe en premier, puis l'employeur",
        "employer_first": "L'employeur signe en premier, puis le salarié",
    },
}


def choices(kind: str, include_empty: bool = False) -> list[tuple[str, str]]:
    """(code, label) pairs for a select field."""
    items = [(k, v) for k, v in LABELS[kind].items() if k or include_empty]
    return items


def place_label(kind: str | None, name: str | None) -> str:
    """« Domicile », « Tiers-lieu — La Ruche »: the kind, then the name when it adds something.

    A home named « Domicile » is shown once, not « Domicile — Domicile ».
    """
    kind_label = LABELS["place_kind"].get(kind or "", kind or "")
    name = " ".join((name or "").split())
    if not name or name.casefold() == kind_label.casefold():
        return kind_label
    return f"{kind_label} — {name}" if kind_label else name
