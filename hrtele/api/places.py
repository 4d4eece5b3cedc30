"""/api/v1/places: telework places (homes and third places)."""

from __future__ import annotations

from hrtele.api.auth import requires
from hrtele.api.base import ETAG_HEADER, ApiBlueprint, etag_of
from hrtele.api.fields import Str, one_of
from hrtele.api.paging import PageArgsSchema, page_of, sort_field, sorted_stmt
from hrtele.api.problems import problem
from hrtele.api.schemas import PlacePageSchema, PlaceSchema
from hrtele.extensions import db
from hrtele.models import Place
from hrtele.places.services import list_places_stmt

bp = ApiBlueprint("api_places", __name__, url_prefix="/api/v1/places", tag="Lieux",
                  description="Lieux de télétravail : domiciles et tiers-lieux.")

SORTS = {"name": Place.name, "kind": Place.kind, "updated_at": Place.updated_dt}


class PlaceListArgs(PageArgsSchema):
    """Filters of the Lieux screen."""

    q = Str(metadata={"description": "Recherche : nom, adresse, salarié."})
    kind = Str(validate=one_of(["home", "third_place"]),
               metadata={"enum": ["home", "third_place"],
                         "description": "home (domicile) ou third_place (tiers-lieu)."})
    sort = sort_field(SORTS, "name")


@bp.route("", methods=["GET"])
@requires("read")
@bp.arguments(PlaceListArgs, location="query")
@bp.response(200, PlacePageSchema)
def list_places(args):
    """Liste des lieux de télétravail."""
    stmt = list_places_stmt(args.get("q", "")[:100], args.get("kind", ""))
    return page_of(sorted_stmt(stmt, args["sort"], SORTS, Place.id), args["page"],
                   args["per_page"])


@bp.route("/<int:place_id>", methods=["GET"], errors=(404,))
@requires("read")
@bp.response(200, PlaceSchema, headers=ETAG_HEADER)
def get_place(place_id: int):
    """Un lieu de télétravail."""
    place = db.session.get(Place, place_id)
    if place is None:
        return problem(404, "Ce lieu n'existe pas.")
    return place, 200, {"ETag": f'"{etag_of(place)}"'}
