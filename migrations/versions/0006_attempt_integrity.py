"""attempt integrity: one attempt in progress per (quiz, user), save sequence, opaque choice ids

- ``quiz_attempts.save_seq``: the sequence number of the last accepted save (older saves get 409);
- ``uq_quiz_attempts_one_in_progress``: a partial unique index on (quiz_id, user_id) WHERE state is
  'inprogress' (SQLite and PostgreSQL). Pairs that already have several attempts in progress (the
  race this closes) keep the newest; the others are marked abandoned first;
- multiple-choice answer ids "a1", "a2", ... (source order, the right answer nearly always "a1")
  become opaque ids derived from the question key and the answer text, the same ones the importer
  now gives (elearn/quizzes/types/choice.py: option_ids). Attempt layouts and saved responses are
  rewritten with them, so attempts in progress stay valid. The downgrade gives the ids back by
  position.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:00:00

"""
import hashlib
import sqlite3
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

IN_PROGRESS = sa.text("state = 'inprogress'")


def option_ids(salt, texts):
    """A frozen copy of elearn.quizzes.types.choice.option_ids."""
    out, taken = [], set()
    for text in texts:
        base = f"{salt}\x1f{unicodedata.normalize('NFC', ' '.join(text.split()))}"
        n, cid = 0, None
        while cid is None or cid in taken:
            cid = "o" + hashlib.sha1(f"{base}\x1f{n}".encode() if n else base.encode("utf-8")).hexdigest()[:10]
            n += 1
        taken.add(cid)
        out.append(cid)
    return out


def _rename_choice_ids(new_ids_for):
    """Rewrite multichoice ids in questions.data, attempt layouts and saved responses.
    ``new_ids_for(key, answers)`` gives the new id of each answer, in order."""
    conn = op.get_bind()
    questions = sa.table("questions", sa.column("id", sa.Integer), sa.column("key", sa.String),
                         sa.column("qtype", sa.String), sa.column("data", sa.JSON))
    attempts = sa.table("quiz_attempts", sa.column("id", sa.Integer), sa.column("layout", sa.JSON))
    answers = sa.table("attempt_answers", sa.column("id", sa.Integer), sa.column("attempt_id", sa.Integer),
                       sa.column("question_id", sa.Integer), sa.column("response", sa.JSON))
    maps = {}  # question id -> {old id: new id}
    for qid, key, data in conn.execute(sa.select(questions.c.id, questions.c.key, questions.c.data)
                                       .where(questions.c.qtype == "multichoice")):
        items = data.get("answers") or []
        new = new_ids_for(key, items)
        mapping = {a["id"]: n for a, n in zip(items, new) if a["id"] != n}
        if not mapping:
            continue
        maps[qid] = mapping
        data = {**data, "answers": [{**a, "id": n} for a, n in zip(items, new)]}
        conn.execute(questions.update().where(questions.c.id == qid).values(data=data))
    if not maps:
        return
    for aid, layout in conn.execute(sa.select(attempts.c.id, attempts.c.layout)):
        layout = layout or {}
        changed = False
        for qid, info in (layout.get("q") or {}).items():
            mapping = maps.get(int(qid))
            order = (info.get("layout") or {}).get("order") if mapping else None
            if order:
                info["layout"]["order"] = [mapping.get(o, o) for o in order]
                changed = True
        if changed:
            conn.execute(attempts.update().where(attempts.c.id == aid).values(layout=layout))
    for rid, qid, response in conn.execute(sa.select(answers.c.id, answers.c.question_id, answers.c.response)
                                           .where(answers.c.question_id.in_(list(maps)))):
        mapping = maps[qid]
        if isinstance(response, list):
            new = [mapping.get(r, r) for r in response]
        elif isinstance(response, str):
            new = mapping.get(response, response)
        else:
            continue
        if new != response:
            conn.execute(answers.update().where(answers.c.id == rid).values(response=new))


def upgrade():
    conn = op.get_bind()
    # Pairs with several attempts in progress (from the race this revision closes): keep the newest.
    attempts = sa.table("quiz_attempts", sa.column("id", sa.Integer), sa.column("quiz_id", sa.Integer),
                        sa.column("user_id", sa.Integer), sa.column("number", sa.Integer),
                        sa.column("state", sa.String), sa.column("finished_at", sa.DateTime),
                        sa.column("started_at", sa.DateTime))
    seen = set()
    for aid, quiz_id, user_id, started_at in conn.execute(
            sa.select(attempts.c.id, attempts.c.quiz_id, attempts.c.user_id, attempts.c.started_at)
            .where(attempts.c.state == "inprogress")
            .order_by(attempts.c.quiz_id, attempts.c.user_id, attempts.c.number.desc())).all():
        if (quiz_id, user_id) in seen:
            conn.execute(attempts.update().where(attempts.c.id == aid)
                         .values(state="abandoned", finished_at=started_at))
        seen.add((quiz_id, user_id))

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('save_seq', sa.Integer(), server_default='0', nullable=False))
    op.create_index('uq_quiz_attempts_one_in_progress', 'quiz_attempts', ['quiz_id', 'user_id'], unique=True,
                    sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS)

    _rename_choice_ids(lambda key, items: option_ids(key, [a.get("text", "") for a in items]))


def downgrade():
    _rename_choice_ids(lambda key, items: [f"a{i}" for i in range(1, len(items) + 1)])
    op.drop_index('uq_quiz_attempts_one_in_progress', table_name='quiz_attempts',
                  sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS)
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
            batch_op.drop_column('save_seq')
    else:
        # Natively (SQLite 3.35+): a batch rebuild of quiz_attempts would cascade into attempt_answers.
        op.drop_column('quiz_attempts', 'save_seq')
