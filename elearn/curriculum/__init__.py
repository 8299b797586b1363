"""The curriculum in files (``courses/``) → the database: ``reader`` reads and checks every file,
``writer`` applies a clean report, matched by slug. It sits above courses and quizzes because it
writes both; each activity kind reads and writes its own entries (``elearn.courses.kinds``)."""
