from flask import current_app, has_request_context, request, session
from flask_login import current_user


def pick_locale() -> str:
    """A signed-in user's preference, then the session's choice, then Accept-Language, then vi."""
    languages = current_app.config["LANGUAGES"]
    try:
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
    except Exception:  # outside a request with a user loader (CLI, e-mail jobs)
        pass
    if has_request_context():
        chosen = session.get("lang")
        if chosen in languages:
            return chosen
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def bound_gettext(translations):
    """Jinja's new-style ``gettext`` and ``ngettext`` bound to one request's translations.

    Flask-Babel's template callables look the translations up again on every ``_()`` (a page makes
    about fifty). Given to each render as context variables (which ``_()`` and ``{% trans %}``
    resolve before the environment's globals), these look them up once per render and behave like
    ``jinja2.ext``'s new-style wrappers: the result is marked safe when autoescaping and is always
    %-formatted with the keyword arguments.
    """
    from jinja2 import pass_context
    from markupsafe import Markup

    @pass_context
    def gettext(context, string, **variables):
        rv = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        rv = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    return {"gettext": gettext, "ngettext": ngettext}
