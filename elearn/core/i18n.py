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
