"""Telework place screens: homes and third places, bad input changes nothing, concurrency."""

from __future__ import annotations

from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, Place
from tests.factories import make_employee, make_place, page_text

THIRD = {
    "kind": "third_place",
    "employee_id": "0",
    "third_place_type": "coworking",
    "name": "La Ruche Foix",
    "address": "8 allées de Villote, 09000 Foix",
    "capacity": "12",
}


def count_places(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Place.id)))


def test_create_third_place(app, hr_client):
    response = hr_client.post("/lieux/nouveau", data=THIRD)
    assert response.status_code == 302
    with app.app_context():
        place = db.session.scalar(select(Place))
        assert (place.kind, place.third_place_type, place.name, place.capacity) == (
            "third_place", "coworking", "La Ruche Foix", 12)
        assert place.employee_id is None
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.object_type == "places")) == "create"
    page = page_text(hr_client.get(response.headers["Location"]))
    assert "Tiers-lieu" in page and "Espace de coworking" in page


def test_third_place_ignores_an_employee(app, hr_client):
    with app.app_context():
        employee_id = make_employee().id
    response = hr_client.post("/lieux/nouveau", data=dict(THIRD, employee_id=str(employee_id)))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Place.employee_id)) is None


def test_home_defaults_to_the_employee_home_address(app, hr_client):
    with app.app_context():
        employee_id = make_employee(home_address="5 impasse du Moulin\n09100 Pamiers").id
    data = {"kind": "home", "employee_id": str(employee_id), "third_place_type": "",
            "name": "", "address": "", "capacity": ""}
    response = hr_client.post("/lieux/nouveau", data=data)
    assert response.status_code == 302
    with app.app_context():
        place = db.session.scalar(select(Place))
        assert place.name == "Domicile"
        assert place.address == "5 impasse du Moulin\n09100 Pamiers"
        assert place.employee_id == employee_id and place.capacity is None


def test_home_prefill_from_employee_page(app, hr_client):
    with app.app_context():
        employee_id = make_employee().id
    page = hr_client.get(f"/lieux/nouveau?kind=home&employee_id={employee_id}").get_data(
        as_text=True)
    assert '<option selected value="home">' in page or 'value="home" selected' in page
    assert f'<option selected value="{employee_id}">' in page or \
        f'value="{employee_id}" selected' in page
    assert hr_client.get("/lieux/nouveau?kind=castle&employee_id=abc").status_code == 200


BAD_INPUT = [
        ({"kind": "castle"}, "choix valide"),
        ({"third_place_type": ""}, "Indiquez le type de tiers-lieu"),
        ({"third_place_type": "bunker"}, "choix valide"),
        ({"name": ""}, "Le nom du tiers-lieu est obligatoire."),
        ({"name": "   "}, "Le nom du tiers-lieu est obligatoire."),
        ({"name": "<script>alert(1)</script>"}, "Les caractères < et > ne sont pas autorisés"),
        ({"name": "N" * 201}, "200 caractères au plus."),
        ({"name": "Nul\x01"}, "Caractères de contrôle"),
        ({"address": ""}, "L'adresse du tiers-lieu est obligatoire."),
        ({"address": "A" * 501}, "500 caractères au plus."),
        ({"address": "rue\x01"}, "Caractères de contrôle"),
        ({"capacity": "-1"}, "Entre 0 et 100"),
        ({"capacity": "douze"}, "entier"),
        ({"capacity": "100001"}, "Entre 0 et 100"),
        ({"kind": "home", "employee_id": "0"}, "Un domicile est rattaché à un salarié"),
        ({"kind": "home", "employee_id": "999999"}, "Ce salarié n'existe pas."),
        ({"kind": "home", "employee_id": "abc"}, "Choix non valide"),
]


def test_create_place_rejects_bad_input(app, hr_client):
    for changes, message in BAD_INPUT:
        response = hr_client.post("/lieux/nouveau", data=dict(THIRD, **changes))
        assert response.status_code == 422, changes
        assert message in page_text(response), changes
    assert count_places(app) == 0


def test_home_without_any_address_is_refused(app, hr_client):
    with app.app_context():
        employee_id = make_employee(home_address="").id
    data = dict(THIRD, kind="home", employee_id=str(employee_id), address="")
    response = hr_client.post("/lieux/nouveau", data=data)
    assert response.status_code == 422
    assert "complétez l'adresse du domicile sur la fiche du salarié" in page_text(response)
    assert count_places(app) == 0


def test_html_in_address_is_escaped(app, hr_client):
    data = dict(THIRD, address='"><img src=x onerror=alert(1)>')
    response = hr_client.post("/lieux/nouveau", data=data)
    assert response.status_code == 302
    for url in ("/lieux/", response.headers["Location"]):
        page = hr_client.get(url).get_data(as_text=True)
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_edit_place_and_stale_version(app, hr_client):
    with app.app_context():
        place = make_place(kind="third_place", third_place_type="telecentre", name="Télécentre",
                           address="1 place de la Mairie")
        place_id, version = place.id, place.version
    first = dict(THIRD, name="Premier", version=str(version))
    assert hr_client.post(f"/lieux/{place_id}/modifier", data=first).status_code == 302
    second = dict(THIRD, name="Second", version=str(version))
    response = hr_client.post(f"/lieux/{place_id}/modifier", data=second)
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    with app.app_context():
        place = db.session.get(Place, place_id)
        assert place.name == "Premier" and place.version == version + 1


def test_edit_bad_input_changes_nothing(app, hr_client):
    with app.app_context():
        place = make_place(kind="third_place", third_place_type="telecentre", name="Télécentre",
                           address="1 place de la Mairie")
        place_id, version = place.id, place.version
    data = dict(THIRD, name="", version=str(version))
    assert hr_client.post(f"/lieux/{place_id}/modifier", data=data).status_code == 422
    with app.app_context():
        place = db.session.get(Place, place_id)
        assert place.name == "Télécentre" and place.version == version


def test_list_filter_search_and_pagination(app, hr_client):
    with app.app_context():
        employee_id = make_employee(last_name="Lambert").id
        make_place(employee_id=employee_id, address="2 rue Haute, Pamiers")
        for i in range(27):
            make_place(kind="third_place", third_place_type="coworking", name=f"Cowork {i}",
                       address=f"{i} avenue du Général, Foix")
    page = page_text(hr_client.get("/lieux/?kind=home"))
    assert "2 rue Haute" in page and "Cowork" not in page
    page = page_text(hr_client.get("/lieux/?kind=third_place&q=Cowork 1"))
    assert "Cowork 1" in page and "Cowork 2" not in page and "2 rue Haute" not in page
    assert "Camille LAMBERT" in page_text(hr_client.get("/lieux/?q=Lambert"))
    assert "Pamiers" in page_text(hr_client.get("/lieux/?q=pamiers"))
    assert "Page 1 sur 2" in page_text(hr_client.get("/lieux/"))
    for args in ("page=2", "page=-3", "kind=castle", "q=" + "x" * 500):
        assert hr_client.get(f"/lieux/?{args}").status_code == 200


def test_unknown_place_is_404(hr_client):
    assert hr_client.get("/lieux/424242").status_code == 404
    assert hr_client.post("/lieux/424242/modifier", data=THIRD).status_code == 404
