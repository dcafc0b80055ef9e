"""The kinds of documents a data set is built into (`reportgen build --only`). A module of its own so the
command line can offer them without importing the build (and with it the views, templates and writers)."""

KINDS = ("notice", "letters", "tasks", "tables", "bulletins")
