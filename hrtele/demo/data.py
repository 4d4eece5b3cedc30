"""Fixed tables of the demonstration data set (every name, address and number is fictitious).

The employer is a fictitious société anonyme d'économie mixte locale (SAEML): a private-law
company whose staff work under the Code du travail, so the 2012 law and the ANI of 19 July 2005
apply. Its sites are in Ariège and Gers, where the télécentres listed below exist; their street
addresses are approximate (town and postcode are right, the street is indicative).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

DEFAULT_SEED = 2012
DEMO_EMAIL_DOMAIN = "demo.hrtele.test"

EMPLOYER = {
    "name": "Pyrène Gascogne Services (SAEML fictive)",
    # Fictitious SIRET: SIREN 909 173 460 and NIC 00017, both Luhn-valid.
    "siret": "90917346000017",
    "address": "12 avenue du Général-de-Gaulle, 09000 Foix",
    "representative_name": "Hélène Marty",
    "representative_title": "Directrice générale",
    "it_charter_ref": "Charte d'utilisation des outils numériques, version 4",
}

POLICY = {
    "max_days_per_week": Decimal("2"),
    "half_days_allowed": True,
    "min_onsite_days_per_week": Decimal("3"),
    "seniority_months": 12,
    "min_working_time_rate": 80,
    "adaptation_months": 3,
    "notice_days_during_adaptation": 15,
    "notice_days_after_adaptation": 30,
    "default_contact_slots": "9 h 30 – 12 h 00 et 14 h 00 – 16 h 30",
    "default_time_control": (
        "Auto-déclaration hebdomadaire des horaires dans le logiciel de gestion des temps, "
        "validée par le responsable hiérarchique"
    ),
    "allowance_scheme": "per_weekly_day",
    "allowance_amount": Decimal("10.00"),
    "allowance_monthly_cap": None,
    "costs_coverage": (
        "Assistance informatique à distance du service des systèmes d'information\n"
        "Surcoût éventuel de l'assurance habitation, sur justificatif"
    ),
    "insurance_required": True,
    "electrical_statement_required": True,
}

# key -> (name, address)
ESTABLISHMENTS: dict[str, tuple[str, str]] = {
    "foix": ("Siège — Foix", "12 avenue du Général-de-Gaulle, 09000 Foix"),
    "pamiers": ("Centre technique — Pamiers", "14 rue des Artisans, 09100 Pamiers"),
    "saint_girons": ("Antenne du Couserans — Saint-Girons", "5 place Alphonse-Sentein, 09200 Saint-Girons"),
    "auch": ("Agence de Gascogne — Auch", "3 rue Gambetta, 32000 Auch"),
}

# code -> label (a private-law classification, coded A/B/C)
CATEGORIES: dict[str, str] = {
    "A": "Cadres — conception et encadrement",
    "B": "Techniciens et agents de maîtrise — application et encadrement intermédiaire",
    "C": "Employés et ouvriers — exécution",
}


class PostSpec(NamedTuple):
    """One post of the demo employer."""

    code: str
    title: str
    department: str
    establishment: str
    category: str
    eligible: bool
    reason: str
    tasks: str
    cap: Decimal | None
    headcount: int
    vacant: bool = False
    head: bool = False  # its first holder manages the department


_DG = "Direction générale"
_FIN = "Finances et marchés"
_RH = "Ressources humaines"
_RTE = "Routes et infrastructures"
_SOC = "Action sociale et logement"
_SI = "Systèmes d'information"
_CUL = "Culture et patrimoine"
_COL = "Bâtiments et collèges"
_COM = "Communication"
_AME = "Aménagement du territoire"

_DESK = "Activités de dossier réalisables à distance avec les outils fournis"
_HEAD = "Encadrement compatible avec une journée à distance par semaine"
_PUBLIC = "Accueil du public : présence sur site indispensable"
_FIELD = "Travail de terrain : activité exercée hors du bureau"
_PROXIMITY = "Encadrement de proximité d'équipes de terrain"

POSTS: tuple[PostSpec, ...] = (
    PostSpec("DG-01", "Directrice générale", _DG, "foix", "A", True, _HEAD,
             "Préparation des conseils d'administration, notes, visioconférences",
             Decimal("1"), 1, head=True),
    PostSpec("DG-02", "Assistant de direction", _DG, "foix", "C", False,
             "Accueil physique et téléphonique de la direction générale : présence sur site indispensable",
             "", None, 2),
    PostSpec("FIN-01", "Responsable financier", _FIN, "foix", "A", True, _HEAD,
             "Préparation budgétaire, analyses, rédaction de notes", Decimal("1"), 1, head=True),
    PostSpec("FIN-02", "Contrôleur de gestion", _FIN, "foix", "A", True, _DESK,
             "Tableaux de bord, analyses de coûts, rapports", None, 2),
    PostSpec("FIN-03", "Gestionnaire comptable", _FIN, "foix", "B", True, _DESK,
             "Mandatement, rapprochements bancaires, suivi des engagements", None, 10),
    PostSpec("FIN-04", "Régisseur de recettes", _FIN, "foix", "C", False,
             "Manipulation d'espèces et accueil des usagers à la régie", "", None, 2),
    PostSpec("FIN-05", "Chargé des marchés publics", _FIN, "foix", "B", True, _DESK,
             "Rédaction des pièces de marché, analyse des offres", None, 4),
    PostSpec("RH-01", "Responsable des ressources humaines", _RH, "foix", "A", True, _HEAD,
             "Pilotage, notes, préparation des instances", Decimal("1"), 1, head=True),
    PostSpec("RH-02", "Gestionnaire paie et carrière", _RH, "foix", "B", True, _DESK,
             "Préparation de la paie, arrêtés et contrats, dossiers individuels", None, 7),
    PostSpec("RH-03", "Chargé de recrutement et de formation", _RH, "foix", "B", True,
             "Entretiens de recrutement en présentiel une partie de la semaine",
             "Rédaction des offres, plan de formation, entretiens en visioconférence",
             Decimal("1.5"), 2),
    PostSpec("RH-04", "Agent d'accueil des ressources humaines", _RH, "foix", "C", False,
             _PUBLIC, "", None, 1),
    PostSpec("RH-05", "Conseiller prévention et santé au travail", _RH, "foix", "B", True,
             "Visites de sites fréquentes", "Document unique, rapports, veille réglementaire",
             Decimal("1"), 1),
    PostSpec("RTE-01", "Responsable de l'exploitation routière", _RTE, "pamiers", "A", False,
             "Encadrement de proximité des équipes de terrain et astreintes d'intervention",
             "", None, 1, head=True),
    PostSpec("RTE-02", "Technicien d'études routières", _RTE, "pamiers", "B", True, _DESK,
             "Études, métrés, dossiers de consultation", None, 5),
    PostSpec("RTE-03", "Chef d'équipe d'entretien routier", _RTE, "pamiers", "C", False,
             _PROXIMITY, "", None, 3),
    PostSpec("RTE-04", "Agent d'exploitation de la route", _RTE, "pamiers", "C", False,
             "Travail de terrain : entretien des chaussées, fauchage, viabilité hivernale",
             "", None, 14),
    PostSpec("RTE-05", "Dessinateur-projeteur", _RTE, "pamiers", "B", True, _DESK,
             "Plans, conception assistée par ordinateur", None, 2),
    PostSpec("SOC-01", "Responsable de l'action sociale", _SOC, "saint_girons", "A", True, _HEAD,
             "Pilotage, commissions, rédaction", Decimal("1"), 1, head=True),
    PostSpec("SOC-02", "Conseiller en économie sociale et familiale", _SOC, "saint_girons", "B",
             False, "Accueil du public et visites à domicile des usagers", "", None, 5),
    PostSpec("SOC-03", "Instructeur des aides sociales", _SOC, "saint_girons", "B", True, _DESK,
             "Instruction des dossiers d'aide, courriers, saisie", None, 8),
    PostSpec("SOC-04", "Secrétaire médico-sociale", _SOC, "saint_girons", "C", False,
             "Accueil physique et téléphonique du public", "", None, 3),
    PostSpec("SOC-05", "Gestionnaire du parc de logements", _SOC, "saint_girons", "C", True,
             "États des lieux sur place une partie de la semaine",
             "Baux, quittancement, suivi des réclamations", Decimal("1.5"), 3),
    PostSpec("SI-01", "Responsable des systèmes d'information", _SI, "foix", "A", True, _HEAD,
             "Pilotage des projets, schéma directeur", Decimal("1"), 1, head=True),
    PostSpec("SI-02", "Développeur d'applications", _SI, "foix", "A", True, _DESK,
             "Développement, tests, documentation", None, 6),
    PostSpec("SI-03", "Administrateur systèmes et réseaux", _SI, "foix", "B", True,
             "Interventions fréquentes en salle serveurs",
             "Supervision, administration à distance", Decimal("1"), 2),
    PostSpec("SI-04", "Technicien de proximité", _SI, "foix", "C", False,
             "Interventions physiques sur les postes de travail et les équipements", "", None, 3),
    PostSpec("SI-05", "Chef de projet système d'information géographique", _SI, "foix", "A",
             True, _DESK, "Conception, paramétrage, analyses cartographiques", None, 1,
             vacant=True),
    PostSpec("CUL-01", "Chargé de mission patrimoine", _CUL, "saint_girons", "A", True, _DESK,
             "Dossiers de subvention, inventaire, rédaction", None, 1, head=True),
    PostSpec("CUL-02", "Archiviste", _CUL, "saint_girons", "B", True,
             "Consultation des fonds originaux sur place",
             "Description des fonds numérisés, instruments de recherche", Decimal("1"), 2),
    PostSpec("CUL-03", "Médiateur culturel", _CUL, "saint_girons", "B", False,
             "Accueil des publics et animations sur site", "", None, 3),
    PostSpec("CUL-04", "Agent d'accueil et de surveillance", _CUL, "saint_girons", "C", False,
             "Accueil du public et surveillance des salles", "", None, 2),
    PostSpec("CUL-05", "Régisseur des expositions", _CUL, "saint_girons", "B", False,
             "Manutention et montage des expositions sur site", "", None, 1, vacant=True),
    PostSpec("COL-01", "Responsable du patrimoine bâti des collèges", _COL, "pamiers", "A", True,
             _HEAD, "Programmation des travaux, marchés, rapports", Decimal("1"), 1, head=True),
    PostSpec("COL-02", "Technicien bâtiment", _COL, "pamiers", "B", True,
             "Visites de chantier la plus grande partie de la semaine",
             "Rédaction des programmes, suivi administratif des chantiers", Decimal("1"), 3),
    PostSpec("COL-03", "Agent de maintenance des collèges", _COL, "pamiers", "C", False,
             "Travail de terrain dans les établissements scolaires", "", None, 8),
    PostSpec("COL-04", "Agent de restauration scolaire", _COL, "pamiers", "C", False,
             "Production et service des repas sur place", "", None, 6),
    PostSpec("COL-05", "Chef de cuisine de collège", _COL, "pamiers", "C", False,
             "Encadrement de proximité en cuisine et production sur place", "", None, 1,
             vacant=True),
    PostSpec("COM-01", "Chargé de communication", _COM, "foix", "B", True, _DESK,
             "Rédaction, réseaux sociaux, relations presse", None, 4, head=True),
    PostSpec("COM-02", "Infographiste", _COM, "foix", "B", True, _DESK,
             "Mise en page, création graphique", None, 1),
    PostSpec("COM-03", "Photographe-vidéaste", _COM, "foix", "C", True,
             "Reportages sur le terrain la plus grande partie de la semaine",
             "Montage vidéo, retouche, classement de la photothèque", Decimal("1"), 1),
    PostSpec("AME-01", "Chargé d'opérations d'aménagement", _AME, "auch", "A", True, _DESK,
             "Études de faisabilité, montage financier, rédaction", None, 5, head=True),
    PostSpec("AME-02", "Assistant d'opérations", _AME, "auch", "C", True, _DESK,
             "Suivi administratif des opérations, courriers", None, 3),
    PostSpec("AME-03", "Agent d'accueil de l'agence", _AME, "auch", "C", False, _PUBLIC,
             "", None, 1),
)


class TelecentreSpec(NamedTuple):
    """A third place of type télécentre (real place, indicative street address)."""

    key: str
    name: str
    address: str
    capacity: int


TELECENTRES: tuple[TelecentreSpec, ...] = (
    TelecentreSpec("cap_delta", "Cap Delta (Verniolle)",
                   "Parc technologique Delta Sud, 09340 Verniolle", 24),
    TelecentreSpec("cap_couserans", "Cap Couserans (Saint-Lizier)",
                   "Route de Toulouse, 09190 Saint-Lizier", 16),
    TelecentreSpec("cap_mirabeau", "Cap Mirabeau (Lavelanet)",
                   "Rue Jean-Jaurès, 09300 Lavelanet", 12),
    TelecentreSpec("auch", "Télécentre d'Auch", "Rue Victor-Hugo, 32000 Auch", 20),
    TelecentreSpec("lectoure", "Télécentre de Lectoure", "Rue Nationale, 32700 Lectoure", 8),
    TelecentreSpec("lombez", "Télécentre de Lombez", "Place de la Mairie, 32220 Lombez", 8),
    TelecentreSpec("mauvezin", "Télécentre de Mauvezin", "Place de la Libération, 32120 Mauvezin", 6),
    TelecentreSpec("mirande", "Télécentre de Mirande", "Rue de l'Évêché, 32300 Mirande", 10),
    TelecentreSpec("montreal", "Télécentre de Montréal", "Place de l'Hôtel-de-Ville, 32250 Montréal", 6),
    TelecentreSpec("nogaro", "Télécentre de Nogaro", "Avenue Daniel-Sorano, 32110 Nogaro", 8),
    TelecentreSpec("riscle", "Télécentre de Riscle", "Rue du Docteur-Roux, 32400 Riscle", 6),
)


class TownSpec(NamedTuple):
    """A home town: postcode, name, commute distance to the site, nearest télécentre."""

    postcode: str
    town: str
    km: int
    telecentre: str | None


# Establishment key -> towns its staff live in (distances are approximate road kilometres).
HOME_TOWNS: dict[str, tuple[TownSpec, ...]] = {
    "foix": (
        TownSpec("09000", "Foix", 2, None),
        TownSpec("09000", "Saint-Paul-de-Jarrat", 7, None),
        TownSpec("09330", "Montgaillard", 5, None),
        TownSpec("09000", "Saint-Jean-de-Verges", 8, None),
        TownSpec("09120", "Varilhes", 11, "cap_delta"),
        TownSpec("09340", "Verniolle", 17, "cap_delta"),
        TownSpec("09100", "Pamiers", 20, "cap_delta"),
        TownSpec("09400", "Tarascon-sur-Ariège", 16, None),
        TownSpec("09240", "La Bastide-de-Sérou", 17, None),
        TownSpec("09300", "Lavelanet", 28, "cap_mirabeau"),
        TownSpec("09600", "Laroque-d'Olmes", 32, "cap_mirabeau"),
        TownSpec("09500", "Mirepoix", 36, "cap_mirabeau"),
    ),
    "pamiers": (
        TownSpec("09100", "Pamiers", 3, None),
        TownSpec("09100", "Saint-Jean-du-Falga", 4, None),
        TownSpec("09100", "La Tour-du-Crieu", 5, None),
        TownSpec("09340", "Verniolle", 7, "cap_delta"),
        TownSpec("09120", "Varilhes", 10, "cap_delta"),
        TownSpec("09700", "Saverdun", 14, None),
        TownSpec("09270", "Mazères", 21, None),
        TownSpec("09500", "Mirepoix", 24, "cap_mirabeau"),
        TownSpec("09000", "Foix", 20, None),
    ),
    "saint_girons": (
        TownSpec("09200", "Saint-Girons", 2, "cap_couserans"),
        TownSpec("09190", "Saint-Lizier", 3, "cap_couserans"),
        TownSpec("09190", "Lorp-Sentaraille", 5, "cap_couserans"),
        TownSpec("09800", "Castillon-en-Couserans", 13, "cap_couserans"),
        TownSpec("09140", "Seix", 19, "cap_couserans"),
        TownSpec("09160", "Prat-Bonrepaux", 15, "cap_couserans"),
        TownSpec("09320", "Massat", 26, "cap_couserans"),
        TownSpec("09230", "Sainte-Croix-Volvestre", 24, None),
    ),
    "auch": (
        TownSpec("32000", "Auch", 3, "auch"),
        TownSpec("32550", "Pavie", 6, "auch"),
        TownSpec("32500", "Fleurance", 24, "lectoure"),
        TownSpec("32700", "Lectoure", 36, "lectoure"),
        TownSpec("32300", "Mirande", 25, "mirande"),
        TownSpec("32220", "Lombez", 41, "lombez"),
        TownSpec("32120", "Mauvezin", 31, "mauvezin"),
        TownSpec("32250", "Montréal", 62, "montreal"),
        TownSpec("32110", "Nogaro", 61, "nogaro"),
        TownSpec("32400", "Riscle", 70, "riscle"),
    ),
}

STREETS: tuple[str, ...] = (
    "rue des Écoles",
    "chemin de la Fontaine",
    "avenue de la Gare",
    "impasse des Tilleuls",
    "rue du Moulin",
    "chemin des Vignes",
    "place de l'Église",
    "rue Pasteur",
    "allée des Chênes",
    "rue de la Poste",
    "chemin du Lavoir",
    "rue des Jardins",
    "route de la Bastide",
    "rue du Pont-Vieux",
    "lotissement Les Coteaux",
    "rue Victor-Hugo",
)

FIRST_NAMES_F: tuple[str, ...] = (
    "Marie", "Julie", "Camille", "Laura", "Émilie", "Céline", "Nathalie", "Isabelle",
    "Sandrine", "Élodie", "Aurélie", "Manon", "Léa", "Chloé", "Sarah", "Pauline", "Anne",
    "Valérie", "Christine", "Martine", "Inès", "Nadia", "Fatima", "Agnès", "Mélanie",
    "Océane", "Audrey", "Margaux", "Laetitia", "Josiane", "Maïté", "Coralie",
)
FIRST_NAMES_M: tuple[str, ...] = (
    "Nicolas", "Julien", "Pierre", "Jean", "Philippe", "Laurent", "Sébastien", "Mathieu",
    "Antoine", "Olivier", "Christophe", "David", "Stéphane", "Romain", "Guillaume", "Hugo",
    "Maxime", "Alexandre", "Karim", "Mehdi", "Yannick", "Bernard", "Didier", "Patrick",
    "Florian", "Quentin", "Vincent", "Jérôme", "Joël", "Bastien", "Cédric", "Fabrice",
)
LAST_NAMES: tuple[str, ...] = (
    "Durand", "Martin", "Bernard", "Dubois", "Garcia", "Martinez", "Lopez", "Sanchez",
    "Fernandez", "Rouquette", "Sarda", "Bonnel", "Carrère", "Dupuy", "Lacoste", "Laffont",
    "Baqué", "Castéran", "Delpech", "Esquerré", "Fourcade", "Galy", "Gouazé", "Lafforgue",
    "Lasserre", "Maurette", "Nougué", "Rumeau", "Sabathier", "Soulé", "Teulé", "Verdier",
    "Abadie", "Barrère", "Blanc", "Brunet", "Couzinet", "Dedieu", "Estaque", "Faur",
    "Gardes", "Icart", "Jammes", "Labat", "Loubet", "Mauri", "Nadal", "Oustric", "Pons",
    "Raynaud", "Roques", "Ruffié", "Séguéla", "Tourné", "Benali", "Haddad", "Nguyen",
    "Da Silva", "Pereira", "Ferrand", "Respaud", "Anglade", "Bergé", "Cabanié", "Caujolle",
    "Darnaud", "Escaffre", "Pujol-Rives", "Authié", "Clanet", "Gaston", "Miquel",
)


class NamedPerson(NamedTuple):
    """An employee with a fixed identity (the demo accounts and the people the README names)."""

    key: str
    post: str
    civility: str
    first_name: str
    last_name: str
    town: str  # one of HOME_TOWNS[establishment of the post]
    seniority_years: int


NAMED_PEOPLE: tuple[NamedPerson, ...] = (
    NamedPerson("dg", "DG-01", "Mme", "Hélène", "Marty", "Foix", 9),
    NamedPerson("drh", "RH-01", "Mme", "Claire", "Vidal", "Montgaillard", 12),
    NamedPerson("gestionnaire_rh", "RH-02", "M.", "Lucas", "Pujol", "Varilhes", 6),
    NamedPerson("julie", "FIN-03", "Mme", "Julie", "Fabre", "Verniolle", 7),
    NamedPerson("thomas", "SI-02", "M.", "Thomas", "Rouzaud", "Tarascon-sur-Ariège", 4),
    NamedPerson("sophie", "SOC-03", "Mme", "Sophie", "Cazaux", "Saint-Lizier", 10),
    NamedPerson("marc", "FIN-05", "M.", "Marc", "Soula", "Lavelanet", 5),
)


class DemoAccount(NamedTuple):
    """A demonstration login; its password is public (README) and only for the demo."""

    email: str
    role: str
    password: str
    display_name: str
    person: str | None  # NamedPerson.key of the employee an employee account is attached to
    description: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(f"admin@{DEMO_EMAIL_DOMAIN}", "admin", "Montsegur-Granit-1244",
                "Administrateur de démonstration", None,
                "administrateur : comptes, politique, journal d'audit"),
    DemoAccount(f"rh@{DEMO_EMAIL_DOMAIN}", "hr", "Lac-Montbel-Azur-5817",
                "Claire Vidal", None, "ressources humaines (responsable RH)"),
    DemoAccount(f"rh2@{DEMO_EMAIL_DOMAIN}", "hr", "Col-Port-Bruyere-3361",
                "Lucas Pujol", None, "ressources humaines (gestionnaire)"),
    DemoAccount(f"julie.fabre@{DEMO_EMAIL_DOMAIN}", "employee", "Arize-Volvestre-Noyer-24",
                "Julie Fabre", "julie",
                "salariée en télétravail (actif, domicile et télécentre Cap Delta)"),
    DemoAccount(f"thomas.rouzaud@{DEMO_EMAIL_DOMAIN}", "employee", "Salat-Couserans-Hetre-61",
                "Thomas Rouzaud", "thomas",
                "salarié en télétravail (période d'adaptation en cours)"),
    DemoAccount(f"sophie.cazaux@{DEMO_EMAIL_DOMAIN}", "employee", "Bastide-Mirepoix-Tilleul-85",
                "Sophie Cazaux", "sophie",
                "salariée en télétravail au télécentre Cap Couserans (entretien annuel en retard)"),
    DemoAccount(f"marc.soula@{DEMO_EMAIL_DOMAIN}", "employee", "Douctouyre-Pic-Saule-47",
                "Marc Soula", "marc",
                "salarié sans télétravail (demande en attente)"),
)

INSURERS: tuple[str, ...] = (
    "MAIF", "MACIF", "Groupama d'Oc", "MAAF", "Crédit Agricole Assurances", "AXA", "Matmut",
    "GMF", "MMA",
)

CONTACT_SLOTS: tuple[str, ...] = (
    "9 h 30 – 12 h 00 et 14 h 00 – 16 h 30",
    "9 h 00 – 12 h 00 et 14 h 00 – 17 h 00",
    "8 h 30 – 12 h 00 et 13 h 30 – 16 h 00",
)

EQUIPMENT_TEXTS: tuple[str, ...] = (
    "Ordinateur portable, casque audio avec micro, accès VPN ; installation et maintenance "
    "assurées par le service des systèmes d'information",
    "Ordinateur portable, écran 24 pouces, clavier et souris, accès VPN ; maintenance par "
    "le service des systèmes d'information",
    "Ordinateur portable et téléphone mobile professionnel ; assistance téléphonique du "
    "service des systèmes d'information",
)

REFUSAL_REASONS: dict[str, str] = {
    "ineligible": (
        "Le poste occupé n'est pas télétravaillable : {reason}. Cette appréciation figure "
        "dans la liste des postes télétravaillables arrêtée par l'employeur."
    ),
    "seniority": (
        "L'ancienneté de 12 mois exigée par la politique de télétravail n'est pas atteinte "
        "(elle le sera le {date}) ; une nouvelle demande pourra être présentée à cette date."
    ),
    "working_time": (
        "Le taux d'activité de {rate} % est inférieur au minimum de 80 % prévu par la "
        "politique de télétravail, afin de préserver la présence sur site des salariés à "
        "temps partiel."
    ),
    "service": (
        "Les deux jours demandés correspondent aux permanences téléphoniques du service, "
        "assurées sur site ; une autre répartition des jours peut être étudiée avec votre "
        "responsable."
    ),
}

REQUEST_MOTIVES: tuple[str, ...] = (
    "Réduire les temps de trajet domicile-travail.",
    "Mieux concilier vie professionnelle et vie personnelle.",
    "Disposer de journées de travail sans interruption pour la rédaction des dossiers.",
    "Limiter les frais et la fatigue des déplacements en voiture.",
    "Travailler au télécentre proche de mon domicile une partie de la semaine.",
    "",
)

INTERVIEW_TEXTS: tuple[tuple[str, str, str], ...] = (
    (
        "Conditions de travail satisfaisantes ; poste de travail à domicile adapté.",
        "Charge de travail équilibrée, objectifs atteints.",
        "Souhaite conserver le même rythme.",
    ),
    (
        "Connexion parfois lente le matin ; signalée au service informatique.",
        "Charge soutenue en période de clôture, régulée par le responsable.",
        "Point d'étape prévu dans six mois.",
    ),
    (
        "Bonne intégration dans l'équipe malgré la distance ; réunions hebdomadaires sur site.",
        "Charge de travail conforme aux horaires habituels ; droit à la déconnexion respecté.",
        "",
    ),
)

SUSPENSION_REASONS: tuple[str, ...] = (
    "Coupure durable de la ligne internet au domicile après les intempéries (force majeure) : "
    "télétravail suspendu jusqu'au rétablissement de la ligne.",
    "Déménagement du centre de données : présence sur site requise pendant la migration "
    "(circonstances exceptionnelles prévues à l'avenant).",
)

IMPOSED_REASON = (
    "Fermeture de l'antenne de Saint-Girons à la suite d'un dégât des eaux (force majeure, "
    "C. trav. L1222-11) : télétravail imposé jusqu'à la remise en état des locaux."
)
PAST_IMPOSED_REASON = (
    "Épisode neigeux exceptionnel rendant les routes du Couserans impraticables (force majeure, "
    "C. trav. L1222-11)."
)

# The motive written in the reversibility notice (who, when and how are separate fields).
ENDING_REASONS: dict[str, str] = {
    "adaptation_employer": (
        "L'organisation des permanences du service ne permet pas de maintenir les jours "
        "convenus."
    ),
    "adaptation_employee": "Le salarié préfère revenir travailler sur site à temps plein.",
    "employee": "Le salarié a déménagé près de son lieu de travail et souhaite revenir sur site.",
    "employer": "Nouvelles fonctions d'encadrement de proximité, non télétravaillables.",
    "term": "Arrivée du terme de l'avenant à durée déterminée, non renouvelé.",
    "departure": "Départ du salarié de l'entreprise (fin du contrat de travail).",
}

CANCEL_REASONS: tuple[str, ...] = (
    "Le salarié a renoncé au télétravail avant l'émission de l'avenant (changement de "
    "situation personnelle).",
    "Avenant non signé : le salarié a retiré son accord avant la signature.",
)

ABSENCE_REASONS: tuple[str, ...] = ("Congé annuel", "Formation", "Arrêt maladie", "RTT")
