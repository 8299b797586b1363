"""The app as served for benchmarks, plus the baseline: a bare page that runs one query."""
from sqlalchemy import text

from elearn import create_app
from elearn.extensions import csrf, db

app = create_app()


@app.route("/_bench/bare")
def bare():
    return str(db.session.execute(text("SELECT 1")).scalar())


csrf.exempt(bare)
