"""The ceiling: a bare page with none of the app's middleware (no login, CSRF, Babel, limiter,
security headers, error handlers): Flask + Flask-SQLAlchemy on the same database, one query, one
small template. Served by the same gunicorn settings as the app (see throughput.py)."""
import os

from flask import Flask, render_template
from jinja2 import DictLoader
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["ELEARN_DATABASE_URL"]
db = SQLAlchemy(app)

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><p>{{ value }}</p></main></body></html>"""
app.jinja_loader = DictLoader({"page.html": PAGE})  # loaded and compiled once, like a template file


@app.route("/_bench/ceiling")
def ceiling():
    value = db.session.execute(text("SELECT 1")).scalar()
    return render_template("page.html", title="Thư viện học tập", value=value)
