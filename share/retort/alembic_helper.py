"""retort's helper for Alembic projects: Alembic and SQLAlchemy do the work.

retort runs this file with the project's interpreter (the one that can
import the project's models and Alembic), from the configuration's folder:

  render DIALECT        read revision module paths on stdin, one a line;
                        for each, write the SQL of upgrade() and downgrade()
                        as Alembic renders it offline (as_sql, literal
                        binds) for DIALECT, only the operations' SQL
  apply                 apply revisions online to the database in
                        $RETORT_HELPER_URL, one command a line on stdin:
                        "up PATH" / "down PATH"; answer "ok" or "fail ..."
  model OBJECT DIALECT  print the DDL of a SQLAlchemy MetaData (OBJECT is
                        "module:attr.path", e.g. myapp.models:Base.metadata)

Answers are framed for retort to read without a JSON parser:

  @@rev PATH ok
  @@up N [notxn]        N bytes of SQL follow, then a newline
  @@down N [notxn]
  @@rev PATH fail LINE REASON      (one line; nothing follows)

The database URL comes in the environment, never on the command line.
"""
import contextlib
import importlib
import io
import os
import sys
import traceback

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.util.pyfiles import load_python_file


class NeedsDatabase(Exception):
    pass


def _no_bind(self):
    raise NeedsDatabase("op.get_bind() needs a live database; "
                        "Alembic cannot render it as SQL")


_modules = {}


def _load(path):
    if path not in _modules:
        _modules[path] = load_python_file(os.path.dirname(path),
                                          os.path.basename(path))
    return _modules[path]


def _line_in(exc, path):
    """The line of path where exc happened (the innermost frame in it)."""
    line = 0
    real = os.path.realpath(path)
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(frame.filename) == real:
            line = frame.lineno
    return line


def _one_line(exc):
    msg = "%s: %s" % (type(exc).__name__, exc) if not isinstance(
        exc, NeedsDatabase) else str(exc)
    return " ".join(msg.split())


def _render_one(module, fn, dialect):
    buf = io.StringIO()
    state = {"notxn": False}
    ctx = MigrationContext.configure(
        dialect_name=dialect,
        opts={"as_sql": True, "output_buffer": buf, "literal_binds": True})

    @contextlib.contextmanager
    def autocommit_block():
        # retort runs such a section with transaction:false
        state["notxn"] = True
        yield

    ctx.autocommit_block = autocommit_block
    with Operations.context(ctx):
        getattr(module, fn)()
    return buf.getvalue(), state["notxn"]


def render(dialect):
    Operations.get_bind = _no_bind
    out = sys.stdout.buffer
    for path in sys.stdin.read().splitlines():
        if not path:
            continue
        try:
            module = _load(path)
            parts = [_render_one(module, fn, dialect)
                     for fn in ("upgrade", "downgrade")]
        except Exception as exc:  # every failure is reported, none guessed
            out.write(("@@rev %s fail %d %s\n" % (
                path, _line_in(exc, path), _one_line(exc))).encode())
            continue
        out.write(("@@rev %s ok\n" % path).encode())
        for name, (sql, notxn) in zip(("up", "down"), parts):
            data = sql.encode()
            out.write(("@@%s %d%s\n" % (name, len(data),
                                        " notxn" if notxn else "")).encode())
            out.write(data + b"\n")
    out.flush()


def apply():
    import sqlalchemy as sa
    engine = sa.create_engine(os.environ["RETORT_HELPER_URL"])
    with engine.connect() as conn:
        for line in sys.stdin:
            cmd, _, path = line.rstrip("\n").partition(" ")
            try:
                module = _load(path)
                with conn.begin():
                    ctx = MigrationContext.configure(connection=conn)
                    with Operations.context(ctx):
                        getattr(module,
                                "upgrade" if cmd == "up" else "downgrade")()
                answer = "ok"
            except Exception as exc:
                answer = "fail %d %s" % (_line_in(exc, path), _one_line(exc))
            sys.stdout.write(answer + "\n")
            sys.stdout.flush()


def _object(spec):
    modname, _, attrs = spec.partition(":")
    obj = importlib.import_module(modname)
    for attr in filter(None, attrs.split(".")):
        obj = getattr(obj, attr)
    return obj


def model(spec, dialect):
    import sqlalchemy as sa

    metadata = _object(spec)
    if not isinstance(metadata, sa.MetaData):
        metadata = getattr(metadata, "metadata", metadata)
    if not isinstance(metadata, sa.MetaData):
        raise SystemExit("retort: %s is not a SQLAlchemy MetaData" % spec)
    out = []

    def emit(sql, *multiparams, **params):
        out.append(str(sql.compile(dialect=engine.dialect)).strip())

    engine = sa.create_mock_engine(sa.engine.make_url(dialect + "://"), emit)
    # create_all's own order: types and sequences first, tables in
    # dependency order, then their indexes
    metadata.create_all(engine, checkfirst=False)
    sys.stdout.write("".join(s + ";\n\n" for s in out if s))


def main(argv):
    sys.path.insert(0, os.getcwd())
    if argv[:1] == ["render"]:
        render(argv[1])
    elif argv[:1] == ["apply"]:
        apply()
    elif argv[:1] == ["model"]:
        model(argv[1], argv[2])
    else:
        raise SystemExit("usage: alembic_helper.py render DIALECT | apply | "
                         "model OBJECT DIALECT")


if __name__ == "__main__":
    main(sys.argv[1:])
