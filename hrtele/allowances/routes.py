"""Allowance screens (HR): monthly payroll preview, export and closing; URSSAF ceilings (admin edits)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from hrtele import clock
from hrtele.allowances import ceilings as ceiling_service
from hrtele.allowances import stored
from hrtele.allowances.forms import CeilingForm
from hrtele.allowances.services import (
    close_month,
    closer_label,
    compute_month,
    csv_bytes,
    csv_filename,
    get_export,
    month_in_range,
    month_label,
    parse_month,
    read_csv_rows,
    shift_month,
)
from hrtele.audit.service import record
from hrtele.auth.access import current_actor, require_admin, require_hr
from hrtele.database import writes_on_get
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.integrity import verified
from hrtele.models import Policy, UrssafCeiling
from hrtele.web.errors import FrenchHTTPError
from hrtele.web.filters import euros, number_fr, plural_fr
from hrtele.web.forms import EmptyForm
from hrtele.web.pagination import Page, requested_page

bp = Blueprint("allowances", __name__, url_prefix="/indemnites")
bp.before_request(require_hr)

PER_PAGE = 50


def _check_period(year: int, month: int) -> None:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)


def _page_of(items: list, page: int) -> Page:
    total = len(items)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PER_PAGE
    return Page(items=items[start:start + PER_PAGE], page=page, per_page=PER_PAGE, total=total)


def _line_display(line) -> dict:
    """Display values of a computed row."""
    return {
        "personnel_number": line.personnel_number,
        "name": f"{line.last_name.upper()} {line.first_name}",
        "reference": line.reference,
        "days": number_fr(line.days),
        "scheme": line.scheme_label,
        "amount": euros(line.amount),
        "exempt": euros(line.exempt),
        "excess": euros(line.excess),
        "notes": line.notes,
    }


def _stored_amount(text: str) -> str:
    try:
        return euros(Decimal(text.replace(",", ".")))
    except (InvalidOperation, AttributeError):
        return text or ""


def _decimal(text: str | None) -> Decimal:
    try:
        return Decimal((text or "0").replace(",", "."))
    except InvalidOperation:
        return Decimal(0)


def _stored_totals(rows: list[dict]) -> dict[str, Decimal]:
    """Totals of a stored export, read back from its own rows."""
    return {
        "days": sum((_decimal(r.get("Jours télétravaillés")) for r in rows), Decimal(0)),
        "amount": sum((_decimal(r.get("Montant")) for r in rows), Decimal(0)),
        "exempt": sum((_decimal(r.get("Part exonérée")) for r in rows), Decimal(0)),
        "excess": sum((_decimal(r.get("Part soumise à cotisations")) for r in rows), Decimal(0)),
    }


def _stored_display(row: dict) -> dict:
    """Display values of a row read back from a stored export."""
    return {
        "personnel_number": (row.get("Matricule") or "").removeprefix("'"),
        "name": f"{(row.get('Nom') or '').upper()} {row.get('Prénom') or ''}",
        "reference": row.get("Référence accord") or "",
        "days": row.get("Jours télétravaillés") or "",
        "scheme": row.get("Mode d'indemnisation") or "",
        "amount": _stored_amount(row.get("Montant")),
        "exempt": _stored_amount(row.get("Part exonérée")),
        "excess": _stored_amount(row.get("Part soumise à cotisations")),
        "notes": [],
    }


def _month_view(year: int, month: int, error: str | None = None, status: int = 200):
    """Render the month page: live computation, or the stored export once closed."""
    ceilings = ceiling_service.current_ceilings()
    export = get_export(year, month)
    # Computed once per data change and stored (hrtele.allowances.stored), read by page.
    result = stored.month_lookup(year, month)
    summary = result.value
    payroll = summary.payroll()
    stored_rows = None
    changed_since = False
    if export is not None:
        stored_rows = read_csv_rows(export.csv_bytes)
        changed_since = summary.csv_sha256 != export.sha256
        page = _page_of(stored_rows, requested_page())
        page.items = [_stored_display(item) for item in page.items]
    else:
        pages = max(1, -(-summary.line_count // PER_PAGE))
        number = min(requested_page(), pages)
        lines, total = stored.lines_page(year, month, number, PER_PAGE)
        page = Page(items=[_line_display(line) for line in lines], page=number,
                    per_page=PER_PAGE, total=total)
    db.session.commit()  # the stored month, computed once per data change
    policy = db.session.query(Policy).order_by(Policy.id).first()
    prev_y, prev_m = shift_month(year, month, -1)
    next_y, next_m = shift_month(year, month, 1)
    return render_template(
        "allowances/index.html",
        payroll=payroll,
        export=export,
        closer=closer_label(export) if export else "",
        stored_rows=stored_rows,
        changed_since=changed_since,
        page=page,
        totals=_stored_totals(stored_rows) if stored_rows is not None else summary.totals,
        policy=policy,
        ceilings_count=len(ceilings),
        close_form=EmptyForm(),
        error=error,
        # No link past the accepted months: the edge shows no arrow rather than leading to a 400.
        prev_key=f"{prev_y:04d}-{prev_m:02d}" if month_in_range(prev_y, prev_m) else None,
        next_key=f"{next_y:04d}-{next_m:02d}" if month_in_range(next_y, next_m) else None,
        prev_label=month_label(prev_y, prev_m),
        next_label=month_label(next_y, next_m),
        stored=result,
        is_future=(year, month) > (clock.today().year, clock.today().month),
    ), status


writes_on_get("allowances.index")  # stores the month when the data changed


@bp.route("/")
def index():
    """Payroll preview of a month (?mois=aaaa-mm, current month by default)."""
    try:
        year, month = parse_month(request.args.get("mois", "")[:20], clock.today())
    except ValueError as exc:
        raise FrenchHTTPError(400, str(exc)) from None
    return _month_view(year, month)


@bp.route("/<int:year>/<int:month>/export.csv")
def download(year: int, month: int):
    """The month's CSV: the stored bytes once closed, a provisional computation before."""
    _check_period(year, month)
    export = get_export(year, month)
    actor = current_actor()
    if export is not None:
        data = verified(export.csv_bytes, export.sha256, object_type="payroll_exports",
                        object_id=export.id)
        provisional, etag = False, export.sha256
        record("download", "payroll_exports", export.id, actor,
               {"period": f"{year:04d}-{month:02d}", "sha256": export.sha256})
    else:
        data, provisional, etag = csv_bytes(compute_month(year, month)), True, None
        record("export", "payroll_exports", None, actor,
               {"period": f"{year:04d}-{month:02d}", "provisional": True})
    db.session.commit()
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{csv_filename(year, month, provisional)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    if etag:
        response.set_etag(etag)
    return response


@bp.route("/<int:year>/<int:month>/cloture", methods=["POST"])
def close(year: int, month: int):
    """Close the month: store its export once and for all."""
    _check_period(year, month)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        export = close_month(year, month, current_actor(), clock.today())
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        existing = get_export(year, month)
        return _month_view(year, month, error=str(exc), status=409 if existing else 422)
    flash(
        f"Mois de {month_label(year, month)} clôturé : export de "
        + plural_fr("%(num)s ligne", "%(num)s lignes", export.row_count)
        + " enregistré ; il sera téléchargé à l'identique.",
        "success",
    )
    return redirect(url_for("allowances.index", mois=f"{year:04d}-{month:02d}"))


# --------------------------------------------------------------------------- ceilings


@bp.route("/plafonds")
def ceilings():
    """The URSSAF exemption ceiling table (everyone in HR reads it, admins edit it)."""
    rows = ceiling_service.list_rows()
    return render_template(
        "allowances/ceilings.html",
        rows=[(r, ceiling_service.to_ceiling(r)) for r in rows],
        reset_form=EmptyForm(),
        can_edit=current_actor().is_admin,
    )


@bp.route("/plafonds.json")
def ceilings_json():
    """Download the stored table in the reference file's JSON format."""
    text = ceiling_service.table_json()
    db.session.commit()
    response = Response(text, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="plafonds-urssaf.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _admin_only() -> None:
    """Ceiling edits are for admins (HR reads the table); 403 otherwise."""
    require_admin()  # anonymous visitors were already redirected by require_hr


@bp.route("/plafonds/nouveau", methods=["GET", "POST"])
def ceiling_create():
    """Add a period to the table (admin)."""
    _admin_only()
    form = CeilingForm()
    if form.validate_on_submit():
        try:
            ceiling_service.create_row(form.data_dict(), current_actor())
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash("Période ajoutée au barème des plafonds URSSAF.", "success")
            return redirect(url_for("allowances.ceilings"))
    status = 422 if request.method == "POST" else 200
    return render_template("allowances/ceiling_form.html", form=form, row=None), status


def _row_or_404(row_id: int) -> UrssafCeiling:
    return db.session.get(UrssafCeiling, row_id) or abort(404)


@bp.route("/plafonds/<int:row_id>/modifier", methods=["GET", "POST"])
def ceiling_edit(row_id: int):
    """Edit a period (admin; 409 when someone else saved it meanwhile)."""
    _admin_only()
    row = _row_or_404(row_id)
    form = CeilingForm(obj=row)
    if request.method == "GET":
        form.version.data = row.version
    if form.validate_on_submit():
        try:
            ceiling_service.update_row(row, form.data_dict(), form.version.data, current_actor())
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash("Période du barème enregistrée.", "success")
            return redirect(url_for("allowances.ceilings"))
    status = 422 if request.method == "POST" else 200
    return render_template("allowances/ceiling_form.html", form=form, row=row), status


@bp.route("/plafonds/<int:row_id>/supprimer", methods=["POST"])
def ceiling_delete(row_id: int):
    """Delete a period (admin)."""
    _admin_only()
    row = _row_or_404(row_id)
    form = CeilingForm()
    ceiling_service.delete_row(row, form.version.data, current_actor())
    db.session.commit()
    flash("Période supprimée du barème : les mois qu'elle couvrait n'ont plus de plafond connu.",
          "success")
    return redirect(url_for("allowances.ceilings"))


@bp.route("/plafonds/reinitialiser", methods=["POST"])
def ceiling_reset():
    """Replace the table by the reference file's rows (admin)."""
    _admin_only()
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = ceiling_service.reset_from_reference(current_actor())
    db.session.commit()
    current_app.logger.info("URSSAF ceilings reset from the reference file")
    flash(f"Barème réinitialisé depuis le fichier de référence ({count} périodes).", "success")
    return redirect(url_for("allowances.ceilings"))

