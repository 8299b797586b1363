"""Load, check access, then act, in one place (docs/ARCHITECTURE.md, "Loaders").

A view names the loader of what its address points at instead of calling it in its body::

    @bp.route("/<int:activity_id>/start", methods=["POST"])
    @login_required
    @loads(load_quiz, into=("activity", "course", "module", "quiz", "editor"))
    def start(activity, course, module, quiz, editor):
        ...

Before the view runs, ``loads`` takes the address arguments the loader asks for (its positional
parameters, by name), calls the loader with them and the given options, and hands the view what it
returned: under ``into`` (a name, or a tuple of names for a loader that returns a tuple). A loader
refuses by raising (404 for what the viewer may not see, 403 for what is locked or needs rights), so
the view's body only runs for an object the viewer may act on.

Each wrapped view records its loaders in ``view.loaded_by``; ``tests/test_loaders.py`` walks the URL
map and fails when a route that takes an object's id or slug does not load it this way, so a new
page or write route cannot skip its check. Put ``loads`` below ``login_required`` (the loaders read
``current_user``), and below flask-smorest's decorators in the API.
"""
import functools
import inspect
from dataclasses import dataclass, field

from werkzeug.exceptions import HTTPException

_ARG_KINDS = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass(frozen=True)
class Loading:
    """One ``loads`` on a view: which loader, which address arguments it took, what it gave."""

    loader: object
    args: tuple[str, ...]       # the address arguments handed to the loader
    into: tuple[str, ...]       # the view's keyword arguments it fills
    options: dict = field(default_factory=dict)


def loader_args(loader) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) address arguments of ``loader``: its positional parameters without and
    with a default."""
    params = [p for p in inspect.signature(loader).parameters.values() if p.kind in _ARG_KINDS]
    return (tuple(p.name for p in params if p.default is p.empty),
            tuple(p.name for p in params if p.default is not p.empty))


def loads(loader, *, into, on_refusal=None, **options):
    """Run ``loader`` on the route's arguments before the view; see the module's docstring.

    ``on_refusal(error)``, when given, turns the loader's refusal (an ``HTTPException``) into the
    response this route owes instead (a script's JSON, say); errors of the view itself pass by it."""
    required, optional = loader_args(loader)
    names = (into,) if isinstance(into, str) else tuple(into)

    def decorate(view):
        inner = getattr(view, "loaded_by", ())
        # an address argument an inner ``loads`` also takes stays for it; the others are used up
        keep = {name for loading in inner for name in loading.args}

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            given = [kwargs[name] for name in required]
            extra = {name: kwargs[name] for name in optional if name in kwargs}
            for name in (*required, *optional):
                if name not in keep:
                    kwargs.pop(name, None)
            try:
                loaded = loader(*given, **extra, **options)
            except HTTPException as error:
                if on_refusal is None:
                    raise
                return on_refusal(error)
            if len(names) == 1:
                kwargs[names[0]] = loaded
            else:
                kwargs.update(zip(names, loaded, strict=True))
            return view(*args, **kwargs)

        wrapper.loaded_by = inner + (
            Loading(loader, required + optional, names, dict(options)),)
        return wrapper

    return decorate
