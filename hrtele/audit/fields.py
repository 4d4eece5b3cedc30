"""French labels of the keys shown in the audit trail (columns and operation details)."""

from __future__ import annotations

#: Key of an audit entry's changes -> French label. Every model column is listed (a test
#: walks the metadata), plus the keys services write by hand (event, sessions...).
AUDIT_FIELDS: dict[str, str] = {
    # people, posts, places
    "first_name": "Prénom", "last_name": "Nom", "civility": "Civilité", "email": "E-mail",
    "display_name": "Nom affiché", "personnel_number": "Matricule", "hire_date": "Date d'embauche",
    "departure_date": "Date de départ", "home_address": "Adresse du domicile",
    "department": "Service", "manager_id": "Responsable", "team_id": "Équipe",
    "post_id": "Poste", "category_id": "Catégorie", "establishment_id": "Établissement",
    "employer_id": "Employeur", "employee_id": "Salarié", "user_id": "Compte",
    "commute_km": "Distance domicile-travail (km)", "commute_mode": "Mode de transport",
    "working_time_rate": "Taux d'activité", "working_pattern": "Semaine de travail",
    "working_hours": "Horaires de travail", "seniority_months": "Ancienneté (mois)",
    "title": "Intitulé", "is_eligible": "Télétravaillable", "eligibility_reason": "Motif d'éligibilité",
    "teleworkable_tasks": "Tâches télétravaillables", "is_vacant": "Poste vacant",
    "kind": "Type", "name": "Nom", "address": "Adresse", "capacity": "Places",
    "third_place_type": "Type de tiers-lieu", "headcount": "Effectif", "min_on_site": "Minimum sur site",
    "role": "Rôle", "is_active": "Actif", "is_active_account": "Compte actif",
    "can_sign_for_employer": "Signe pour l'employeur", "notify_by_email": "Avis par e-mail",
    "code": "Code", "label": "Libellé", "position": "Ordre",
    # requests and agreements
    "request_id": "Demande", "request_date": "Date de la demande", "initiative": "Initiative",
    "wished_days": "Jours souhaités", "wished_pattern": "Demi-journées souhaitées",
    "place_id": "Lieu", "second_place_id": "Second lieu", "motive": "Motif exprimé",
    "status": "Statut", "refusal_reason": "Précision du refus",
    "refusal_reason_id": "Motif du refus", "decided_by_id": "Décision prise par",
    "decided_dt": "Décision enregistrée le", "decision_date": "Date de la décision",
    "decision_reason": "Motif de la décision", "event": "Événement",
    "from_state": "État précédent", "to_state": "Nouvel état",
    "agreement_id": "Accord", "agreement_ids": "Accords", "start_date": "Date de début",
    "end_date": "Date de fin", "days_per_week": "Jours par semaine",
    "weekly_pattern": "Demi-journées de télétravail", "half_days_allowed": "Demi-journées permises",
    "adaptation_months": "Période d'adaptation (mois)", "adaptation_end_date": "Fin de l'adaptation",
    "contact_slots": "Plages de joignabilité", "time_control": "Contrôle du temps de travail",
    "equipment": "Équipement", "costs_coverage": "Prise en charge des frais",
    "allowance_scheme": "Mode d'indemnité", "allowance_amount": "Montant de l'indemnité",
    "allowance_monthly_cap": "Plafond mensuel de l'indemnité", "reversibility_clause": "Clause de réversibilité",
    "contract_date": "Date du contrat", "employee_signed_date": "Signé par le salarié le",
    "employer_signed_date": "Signé par l'employeur le", "has_pending_amendment": "Avenant en attente",
    "amendment_version": "Version de l'avenant", "target_version": "Version visée",
    "is_end_mutual": "Fin d'un commun accord", "ended_date": "Terminé le",
    "ending_effective_date": "Fin effective", "ending_initiative": "Fin à l'initiative de",
    "ending_method": "Mode de notification de la fin", "ending_notice_days": "Délai de prévenance",
    "ending_notification_date": "Date de notification de la fin", "ending_phase": "Phase à la fin",
    "ending_reason": "Motif de la fin", "ending_return_arrangements": "Modalités de retour sur site",
    "suspension_start_date": "Début de la suspension", "suspension_end_date": "Fin de la suspension",
    "suspension_reason": "Motif de la suspension", "reason": "Motif",
    "insurance_required": "Attestation d'assurance exigée", "insurance_received_date": "Attestation reçue le",
    "insurance_expiry_date": "Fin de validité de l'assurance", "insurance_insurer": "Assureur",
    "electrical_statement_required": "Attestation électrique exigée",
    "electrical_statement_date": "Attestation électrique du", "annual_interview_due_date": "Entretien annuel prévu le",
    "held_date": "Entretien tenu le", "conditions": "Conditions d'activité", "workload": "Charge de travail",
    "remarks": "Observations", "notes": "Notes", "note": "Note", "informed_date": "Informé le",
    "absence_date": "Date d'absence", "half": "Demi-journée", "from_date": "Du", "to_date": "Au",
    "item_type": "Type d'équipement", "serial_number": "Numéro de série", "returned_date": "Rendu le",
    "return_condition": "État au retour", "event_date": "Date de l'événement",
    # policy, employer, payroll
    "legal_frame": "Cadre juridique", "max_days_per_week": "Jours par semaine (maximum)",
    "min_onsite_days_per_week": "Jours sur site par semaine (minimum)",
    "min_working_time_rate": "Taux d'activité minimal",
    "notice_days_during_adaptation": "Prévenance pendant l'adaptation (jours)",
    "notice_days_after_adaptation": "Prévenance après l'adaptation (jours)",
    "default_contact_slots": "Plages de joignabilité par défaut",
    "default_time_control": "Contrôle du temps de travail par défaut",
    "default_working_hours": "Horaires par défaut", "signature_order": "Ordre des signatures",
    "signing_order": "Ordre des signatures", "siret": "SIRET", "representative_name": "Représentant",
    "representative_title": "Qualité du représentant", "it_charter_ref": "Charte informatique",
    "valid_from": "Valable à partir du", "valid_to": "Valable jusqu'au",
    "per_weekly_day_monthly": "Par jour hebdomadaire et par mois", "per_day": "Par jour",
    "monthly_cap": "Plafond mensuel", "ceiling_label": "Plafond", "source": "Source",
    "month": "Mois", "month_key": "Mois", "year": "Année", "amount": "Montant", "days": "Jours",
    "excess": "Dépassement", "exempt": "Exonéré", "schemes": "Modes d'indemnité",
    "closed_by_id": "Clôturé par", "closed_dt": "Clôturé le", "row_count": "Lignes",
    "csv_bytes": "Fichier CSV", "filename": "Nom du fichier", "size": "Taille",
    # documents and signatures
    "document_id": "Document", "reference": "Référence", "issued_date": "Date d'émission",
    "issued_dt": "Émis le", "issued_by_id": "Émis par", "is_superseded": "Remplacé",
    "pdf_sha256": "Empreinte du PDF", "sha256": "Empreinte", "pdf_bytes": "PDF",
    "snapshot_json": "Données du document", "template_version": "Version du modèle",
    "sequence": "Numéro d'ordre", "acknowledged_dt": "Pris connaissance le",
    "uploaded_by_id": "Déposé par", "uploaded_dt": "Déposé le", "signed_dt": "Signé le",
    "signed_sha256": "Empreinte signée", "signer_email": "E-mail du signataire",
    "signer_name": "Signataire", "signer_quality": "Qualité du signataire",
    "signer_user_id": "Compte du signataire", "certificate_sha256": "Empreinte du certificat",
    "certificate_subject": "Titulaire du certificat", "evidence_json": "Preuve",
    "auth_dt": "Authentifié le", "auth_method": "Méthode d'authentification",
    "requested_by_id": "Demandé par", "requested_dt": "Demandé le", "stage": "Étape",
    "last_step": "Dernière étape", "steps": "Étapes",
    "signed_date": "Signé le (papier)", "recorded_dt": "Enregistré le",
    # campaigns, imports, jobs, notifications, planning
    "campaign_id": "Campagne", "started_dt": "Commencé le", "finished_dt": "Terminé le",
    "progress_dt": "Avancement au", "attempts": "Tentatives", "result_json": "Résultat",
    "claimed_by": "Pris par", "claimed_until": "Réservé jusqu'au", "payload": "Contenu",
    "content": "Contenu", "body": "Message", "url": "Lien", "read_dt": "Lu le",
    "emailed_dt": "Envoyé par e-mail le", "key": "Clé", "count": "Nombre",
    "processed_by": "Traité par", "processed_dt": "Traité le", "applied_dt": "Appliqué le",
    "confirmed_dt": "Confirmé le", "computed_dt": "Calculé le", "data_version": "Version des données",
    "next_date": "Prochaine date", "recorded_by_id": "Enregistré par", "references": "Références",
    "field_name": "Champ",
    # accounts, sessions, tokens, audit
    "password_hash": "Mot de passe", "password_changed_dt": "Mot de passe changé le",
    "password": "Mot de passe", "last_seen_dt": "Dernière activité", "user_agent": "Navigateur",
    "expires_at": "Expire le", "expires_dt": "Expire le", "used_dt": "Utilisé le",
    "created_by_id": "Créé par", "created_dt": "Créé le", "updated_dt": "Modifié le",
    "revoked_by_id": "Révoqué par", "revoked_dt": "Révoqué le", "scope": "Portée",
    "scopes": "Portées", "token_hash": "Empreinte du jeton", "token_prefix": "Début du jeton",
    "last_used_dt": "Dernier usage", "last_used_ip": "Dernière adresse IP", "secret": "Secret",
    "code_hash": "Code (empreinte)", "second_factor": "Second facteur",
    "recovery_codes": "Codes de secours", "sessions": "Sessions", "invitation_id": "Invitation",
    "id": "Numéro", "version": "Version", "action": "Action", "actor_id": "Auteur",
    "actor_label": "Auteur", "object_type": "Type d'enregistrement", "object_id": "Numéro",
    "changes_json": "Détail", "at_dt": "Date et heure", "ip": "Adresse IP", "seq": "Rang",
    "prev_hash": "Empreinte précédente", "entry_hash": "Empreinte",
    "from": "De", "format": "Format", "documents": "Documents", "date": "Date",
    "cancelled_items": "Éléments annulés",
}

#: What the trail shows as the author of an action no user made (jobs, CLI, migrations).
SYSTEM_ACTOR = "système"


def field_label(key: str) -> str:
    """French label of an audit key; an unknown key is shown as is (never hidden)."""
    return AUDIT_FIELDS.get(key, key)


def actor_label(label: str | None, actor_id: int | None) -> str:
    """The author shown in the trail: the account, or « système » for actions without one."""
    if actor_id is None and (not label or label == "anonyme"):
        return SYSTEM_ACTOR
    return label or SYSTEM_ACTOR
