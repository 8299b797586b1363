"""Load, check, act in one place (docs/ARCHITECTURE.md, "Loaders"): every route whose address names
an object (an id or a slug) loads it with ``elearn.core.loading.loads`` before its body runs, so no
page, write route or API call can act on an object without its access check."""
import pytest
from flask import Flask
from werkzeug.exceptions import Forbidden, NotFound

from elearn.core.loading import loader_args, loads

# address arguments that are not objects: formats, a status or action word, file paths
NOT_OBJECTS = {"fmt", "status", "action", "kind", "filename"}

# routes whose address holds a secret that is itself the permission, looked up by its hash, with
# nothing to load for a viewer: the check is the lookup
SECRET_ROUTES = {
    "auth.accept_invitation",   # /invite/<token>
    "auth.reset_password",      # /reset/<token>
    "workshops.feed",           # /calendar/<secret>.ics
    "progress.verify",          # /verify/<code>: a certificate's public check
}


def _object_args(rule):
    return set(rule.arguments) - NOT_OBJECTS


def test_every_route_that_names_an_object_loads_it(app):
    missing = []
    for rule in app.url_map.iter_rules():
        wanted = _object_args(rule)
        if not wanted or rule.endpoint in SECRET_ROUTES or rule.endpoint.endswith("static"):
            continue
        view = app.view_functions[rule.endpoint]
        loaded = {arg for loading in getattr(view, "loaded_by", ()) for arg in loading.args}
        if not wanted <= loaded:
            missing.append(f"{rule.endpoint} {rule.rule}: {sorted(wanted - loaded)}")
    assert missing == []


def test_secret_routes_are_still_routes(app):
    """The exemptions above must name real routes (a renamed one would otherwise hide here)."""
    assert SECRET_ROUTES <= set(app.view_functions)


def _probe_app():
    app = Flask(__name__)
    seen = []

    def load_thing(thing_id, *, hidden=()):
        seen.append(thing_id)
        if thing_id in hidden:
            raise NotFound()
        if thing_id == 8:
            raise Forbidden()
        return f"thing {thing_id}", thing_id * 2

    def load_part(thing_id, part_id=None):
        return (thing_id, part_id)

    @app.route("/t/<int:thing_id>")
    @app.route("/t/<int:thing_id>/p/<int:part_id>")
    @loads(load_thing, into=("thing", "double"), hidden=(7,))
    @loads(load_part, into="part")
    def show(thing, double, part, fmt="html"):
        return {"thing": thing, "double": double, "part": list(part), "fmt": fmt}

    @app.route("/j/<int:thing_id>")
    @loads(load_thing, into=("thing", "double"), hidden=(7,), on_refusal=lambda e: ({"refused": e.code}, e.code))
    def as_json(thing, double):
        raise Forbidden()  # the view's own refusal is not the loader's: it is not translated

    return app, seen


def test_loads_hands_the_view_what_the_loader_returned():
    app, seen = _probe_app()
    client = app.test_client()
    assert client.get("/t/3").json == {"thing": "thing 3", "double": 6, "part": [3, None], "fmt": "html"}
    assert client.get("/t/3/p/9").json["part"] == [3, 9]
    assert seen == [3, 3]


def test_loads_refuses_before_the_view():
    app, seen = _probe_app()
    client = app.test_client()
    assert client.get("/t/7").status_code == 404
    assert client.get("/t/8").status_code == 403
    assert client.get("/j/7").status_code == 404 and client.get("/j/7").json == {"refused": 404}
    assert client.get("/j/1").status_code == 403 and client.get("/j/1").get_json() is None


def test_loads_records_what_each_loader_took():
    app, _seen = _probe_app()
    view = app.view_functions["show"]
    assert [(x.loader.__name__, x.args, x.into) for x in view.loaded_by] == [
        ("load_part", ("thing_id", "part_id"), ("part",)),
        ("load_thing", ("thing_id",), ("thing", "double")),
    ]
    assert view.loaded_by[1].options == {"hidden": (7,)}


def test_loader_args_reads_positional_parameters():
    def f(a, b, c=None, *, d=1):
        pass

    assert loader_args(f) == (("a", "b"), ("c",))


def test_a_loader_returning_the_wrong_shape_is_a_bug_not_a_silent_success():
    app = Flask(__name__)

    @app.route("/x/<int:thing_id>")
    @loads(lambda thing_id: (1, 2, 3), into=("a", "b"))
    def x(a, b):
        return "ok"

    app.testing = True
    with pytest.raises(ValueError):
        app.test_client().get("/x/1")
