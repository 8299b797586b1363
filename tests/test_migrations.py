"""The migrations are the only way the schema is made: they must match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from elearn.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []
