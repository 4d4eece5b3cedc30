"""PostgreSQL: an owner role holding the schema and an application role with only the rights
it needs (hrtele.db_roles; README « Base PostgreSQL : rôles »). Nothing on SQLite.

Run by a superuser (or a role with CREATEROLE that owns the database). From here on the
migrations run as the owner role (SET LOCAL ROLE, see migrations/env.py).

Revision ID: i16_pg_roles
Revises: i16_immutable
"""

from alembic import op

from hrtele.db_roles import apply_privileges, create_roles, revoke_privileges, role_names

revision = "i16_pg_roles"
down_revision = "i16_immutable"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    create_roles(bind)
    apply_privileges(bind)
    owner, _ = role_names()
    op.execute(f"SET LOCAL ROLE {owner}")  # the following migrations create owner objects


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    revoke_privileges(bind)  # the roles stay: other databases of the cluster may use them
