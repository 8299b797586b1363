"""The app as served for benchmarks, plus its baselines:

- ``/_bench/bare``: one query, no sign-in, no template (the budget's reference);
- ``/_bench/signed-in``: the same with the session's user loaded (Flask-Login's user loader);
- ``/_bench/chrome``: signed in, the page chrome (``base.html``) around an empty page.

The last two show how much of a hot page's cost is signing in and the chrome every page shares.
"""
from flask import render_template
from flask_login import login_required
from sqlalchemy import text

from elearn import create_app
from elearn.extensions import csrf, db

app = create_app()
CHROME = app.jinja_env.from_string('{% extends "base.html" %}{% block content %}<p>x</p>{% endblock %}')


@app.route("/_bench/bare")
def bare():
    return str(db.session.execute(text("SELECT 1")).scalar())


@app.route("/_bench/signed-in")
@login_required
def signed_in():
    return str(db.session.execute(text("SELECT 1")).scalar())


@app.route("/_bench/chrome")
@login_required
def chrome():
    db.session.execute(text("SELECT 1"))
    return render_template(CHROME)  # a Template object: rendered with the app's context processors


for view in (bare, signed_in, chrome):
    csrf.exempt(view)
