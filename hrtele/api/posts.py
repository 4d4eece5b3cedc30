"""/api/v1/posts: read, and create or update by post code (the CSV import's rules)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hrtele.api.auth import requires
from hrtele.api.base import (
    CREATED_HEADERS,
    ETAG_HEADER,
    ApiBlueprint,
    IfMatchArgs,
    commit,
    etag_of,
    stale_if_match,
)
from hrtele.api.fields import (
    Bool,
    FrenchSchema,
    List,
    Nested,
    QueryBool,
    Str,
    UtcDateTime,
    has_control_chars,
    one_of,
)
from hrtele.api.paging import PageArgsSchema, page_of, sort_field, sorted_stmt
from hrtele.api.problems import problem
from hrtele.api.schemas import PostPageSchema, PostSchema
from hrtele.api.upserts import (
    MAX_BATCH,
    BatchReportSchema,
    DryRunArgsSchema,
    apply,
    batch_schema,
    plan,
    rejection,
    row_report,
    write_schema,
)
from hrtele.extensions import db
from hrtele.models import Post
from hrtele.posts.services import list_posts_stmt

bp = ApiBlueprint(
    "api_posts", __name__, url_prefix="/api/v1/posts", tag="Postes",
    description="Postes : lecture, et création ou mise à jour par code avec les règles de "
                "l'import CSV.",
)

SORTS = {
    "code": Post.code,
    "title": Post.title,
    "department": Post.department,
    "updated_at": Post.updated_dt,
}


class PostListArgs(PageArgsSchema):
    """Filters of the post list (those of the Postes screen, plus sync helpers)."""

    q = Str(metadata={"description": "Recherche : code, intitulé ou service."})
    eligible = QueryBool(metadata={"description": "true : télétravaillables ; false : non."})
    updated_since = UtcDateTime(metadata={"description": "Modifiés depuis cet instant."})
    sort = sort_field(SORTS, "code")


PostWriteSchema = write_schema("posts", "PostWrite", without_key=True)
PostBatchItemSchema = write_schema("posts", "PostBatchItem", without_key=False)
PostBatchSchema = batch_schema(PostBatchItemSchema, "PostBatch", MAX_BATCH)


class PostWriteResultSchema(FrenchSchema):
    """What the write did, and the post as now stored."""

    action = Str(validate=one_of(["create", "update", "unchanged"]),
                 metadata={"enum": ["create", "update", "unchanged"]})
    changed_fields = List(Str())
    warnings = List(Str())
    dry_run = Bool()
    post = Nested(PostSchema, allow_none=True)


def find_post(code: str) -> Post | None:
    """The post with this code (exact, as the import matches)."""
    if not code or len(code) > 100 or has_control_chars(code):
        return None
    return db.session.scalar(
        select(Post)
        .options(joinedload(Post.category), joinedload(Post.establishment))
        .where(Post.code == code)
    )


@bp.route("", methods=["GET"])
@requires("read")
@bp.arguments(PostListArgs, location="query")
@bp.response(200, PostPageSchema)
def list_posts(args):
    """Liste des postes (paginée, filtrable, triée)."""
    eligible = {True: "1", False: "0"}.get(args.get("eligible"), "")
    stmt = list_posts_stmt(args.get("q", "")[:100], eligible)
    if args.get("updated_since"):
        stmt = stmt.where(Post.updated_dt >= args["updated_since"])
    return page_of(sorted_stmt(stmt, args["sort"], SORTS, Post.id), args["page"],
                   args["per_page"])


@bp.route("/<string:code>", methods=["GET"], errors=(404,))
@requires("read")
@bp.response(200, PostSchema, headers=ETAG_HEADER)
def get_post(code: str):
    """Un poste, par son code."""
    post = find_post(code)
    if post is None:
        return problem(404, f"Aucun poste n'a le code « {code[:40]} ».")
    return post, 200, {"ETag": f'"{etag_of(post)}"'}


@bp.route("/<string:code>", methods=["PUT"], errors=(400, 409, 413, 415))
@requires("write")
@bp.arguments(PostWriteSchema)
@bp.arguments(DryRunArgsSchema, location="query")
@bp.arguments(IfMatchArgs, location="headers")
@bp.response(200, PostWriteResultSchema, headers=ETAG_HEADER,
             description="Poste mis à jour (ou inchangé : mêmes valeurs).")
@bp.alt_response(201, schema=PostWriteResultSchema, success=True, description="Poste créé.",
                 headers=CREATED_HEADERS)
def put_post(data, args, _headers, code: str):
    """Créer ou mettre à jour un poste par son code (règles et messages de l'import CSV).

    Idempotent : renvoyer les mêmes valeurs ne change rien (action « unchanged »).
    """
    stale = stale_if_match(find_post(code))
    if stale is not None:
        return stale
    the_plan = plan("posts", [{**data, "code": code}])
    row = the_plan.rows[0]
    if row.action == "reject":
        return rejection(row)
    if not args["dry_run"]:
        apply(the_plan)
        commit()
    post = find_post(row.key)
    body = {
        "action": row.action,
        "changed_fields": sorted(row.changes) if row.action == "update" else [],
        "warnings": [str(w) for w in row.warnings],
        "dry_run": args["dry_run"],
        "post": post,
    }
    headers = {}
    if post is not None:
        headers["ETag"] = f'"{etag_of(post)}"'
        if row.action == "create":
            headers["Location"] = url_for(".get_post", code=post.code)
    return body, 201 if row.action == "create" and not args["dry_run"] else 200, headers


@bp.route("/batch", methods=["POST"], errors=(400, 413, 415))
@requires("write")
@bp.arguments(PostBatchSchema)
@bp.arguments(DryRunArgsSchema, location="query")
@bp.response(200, BatchReportSchema)
def batch_posts(data, args):
    """Créer ou mettre à jour un lot de postes (comme un fichier d'import CSV).

    Les lignes refusées n'empêchent pas les autres d'être enregistrées ; une seule
    transaction. dry_run=true : aperçu seulement.
    """
    the_plan = plan("posts", data["items"])
    counts = the_plan.counts
    if not args["dry_run"]:
        counts = apply(the_plan)
        commit()
    return {
        "dry_run": args["dry_run"],
        "counts": counts,
        "items": [row_report(i, row) for i, row in enumerate(the_plan.rows)],
    }
