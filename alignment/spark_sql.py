"""The product's DuckDB-dialect SQL files compiled for Spark SQL: macros expanded, typed rewrites, named parameters."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any, Callable

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from alignment import sqlfiles

@functools.cache
def parameter_types() -> dict[str, str]:
    """What each bound parameter holds, as a DuckDB type, as the code binding it declares it (catalog.PARAMETERS,
    attribution and explore's own): a placeholder is cast to it on Spark, so that the rewrites know its type and an
    empty or NULL value keeps one (values are bound, never pasted)."""
    from alignment import attribution, catalog, explore

    return {**{name: parameter.sql_type for name, parameter in catalog.PARAMETERS.items()},
            **attribution.PARAMETER_TYPES, **explore.PARAMETER_TYPES}


# Deepest nesting of macro calls expanded before a file is refused as calling itself.
MAX_EXPANSIONS = 40


class CompileError(ValueError):
    """A file holds a construct the compiler cannot carry to Spark; the message names the file and the construct."""


@dataclass(frozen=True)
class Macro:
    """A macro as the compiler expands it: its arguments, its body's parsed tree, whether it returns a table."""

    name: str
    arguments: tuple[str, ...]
    body: exp.Expression
    table: bool
    placeholders: bool = False  # a metric's macro: its arguments are the metric file's $parameters


def _parse(sql: str, where: str) -> exp.Expression:
    try:
        return sqlglot.parse_one(sql, read="duckdb")
    except SqlglotError as error:
        raise CompileError(f"{where}: the SQL cannot be read ({str(error).splitlines()[0]})") from None


@functools.cache
def _macro_files() -> dict[str, tuple[tuple[str, ...], str, bool, bool, str]]:
    """Every macro's arguments, text, whether it returns a table, whether its arguments are $parameters, and its
    file: the shared macros of sql/macros, and each metric as the table macro metric_<name> (`uses:`)."""
    from alignment import catalog, macros

    found = {name: (file.arguments, file.sql, file.returns == "table", False, f"sql/macros/{name}.sql")
             for name, file in macros.files().items()}
    found.update({catalog.macro_name(metric): (metric.parameters, metric.sql, True, True, f"metrics/{name}.sql")
                  for name, metric in catalog.load_catalog().items()})
    return found


@functools.cache
def macro(name: str) -> Macro:
    """One macro, parsed once per process."""
    arguments, sql, table, placeholders, where = _macro_files()[name]
    return Macro(name, arguments, _parse(sql, where), table, placeholders)


def macro_names() -> set[str]:
    return set(_macro_files())


def _call_name(node: exp.Expression) -> str | None:
    return node.name.lower() if isinstance(node, exp.Anonymous) else None


def _substitute(body: exp.Expression, macro: Macro, arguments: list[exp.Expression], where: str) -> exp.Expression:
    """The macro's body with each argument in place of its name (a macro's argument shadows a column so named)."""
    if len(arguments) != len(macro.arguments):
        raise CompileError(f"{where}: {macro.name} takes {len(macro.arguments)} arguments "
                           f"({', '.join(macro.arguments)}), the call passes {len(arguments)}")
    values = dict(zip(macro.arguments, arguments))

    def lambda_bound(node: exp.Expression, name: str) -> bool:
        scope = node.find_ancestor(exp.Lambda)
        while scope is not None:
            if name in {variable.name for variable in scope.expressions}:
                return True
            scope = scope.find_ancestor(exp.Lambda)
        return False

    def replace(node: exp.Expression) -> exp.Expression:
        if macro.placeholders:
            if isinstance(node, exp.Placeholder) and node.name in values:
                return exp.paren(values[node.name].copy(), copy=False)
            return node
        if (isinstance(node, exp.Column) and not node.table and node.name in values
                and not lambda_bound(node, node.name)):
            return exp.paren(values[node.name].copy(), copy=False)
        return node

    return body.transform(replace, copy=True)


def _rename_ctes(body: exp.Expression, suffix: str) -> exp.Expression:
    """The macro's own CTEs renamed apart (name__suffix), with the tables that read them: nested CTEs are hoisted on
    Spark, and two expansions of one macro must not meet under one name."""
    with_ = body.args.get("with_") or body.args.get("with")
    if not isinstance(with_, exp.With):
        return body
    names = {cte.alias_or_name for cte in with_.expressions}
    renamed = {name: name + "__" + suffix for name in names}
    for cte in with_.expressions:
        cte.set("alias", exp.TableAlias(this=exp.to_identifier(renamed[cte.alias_or_name])))
    for table in body.find_all(exp.Table):
        if isinstance(table.this, exp.Identifier) and not table.args.get("db") and table.name in renamed:
            alias = table.alias or table.name
            table.set("this", exp.to_identifier(renamed[table.name]))
            table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return body


def expand(sql: str, where: str) -> exp.Expression:
    """The file's query with every shared and metric macro expanded: a scalar macro as its expression, a table macro
    as a subquery with its CTEs renamed apart. Still DuckDB's dialect: DuckDB runs it to check the expansion."""
    tree = _parse(sql, where)
    known = macro_names()
    counter = itertools.count(1)
    for _ in range(MAX_EXPANSIONS):
        calls = [node for node in tree.find_all(exp.Anonymous) if _call_name(node) in known]
        if not calls:
            return tree
        for call in calls:
            called = macro(_call_name(call))
            body = _substitute(called.body, called, list(call.expressions), where)
            if called.table:
                table = call.parent
                if not isinstance(table, exp.Table):
                    raise CompileError(f"{where}: the table macro {called.name} is called outside FROM or JOIN")
                body = _rename_ctes(body, f"{called.name}_{next(counter)}")
                alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(called.name))
                table.replace(exp.Subquery(this=body, alias=alias.copy()))
            else:
                call.replace(exp.paren(body, copy=False))
    raise CompileError(f"{where}: macros call each other more than {MAX_EXPANSIONS} deep")


def expanded_duckdb(sql: str, where: str) -> str:
    """The expanded query as DuckDB SQL, its $parameters kept (bound by name as before)."""
    return expand(sql, where).sql(dialect="duckdb")


# --- typed rewrites for Spark -----------------------------------------------------------------------------------

def _type(node: exp.Expression) -> exp.DataType:
    return node.type if isinstance(node.type, exp.DataType) else exp.DataType.build("UNKNOWN")


def _is(node: exp.Expression, *types: exp.DType) -> bool:
    return _type(node).is_type(*types)


def _is_array(node: exp.Expression) -> bool:
    return (_type(node).is_type(exp.DType.ARRAY)
            or isinstance(node, (exp.Array, exp.ArrayDistinct, exp.ArrayFilter, exp.Transform, exp.ArrayCompact)))


def _func(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _double(node: exp.Expression) -> exp.Expression:
    return exp.cast(node, exp.DType.DOUBLE)


def _lambda(variable: str, body: Callable[[exp.Expression], exp.Expression]) -> exp.Lambda:
    return exp.Lambda(this=body(exp.to_identifier(variable)), expressions=[exp.to_identifier(variable)])


def _is_null(node: exp.Expression) -> exp.Expression:
    return exp.Is(this=node, expression=exp.Null())


def _rewrite(node: exp.Expression, where: str) -> exp.Expression:
    """One node in Spark's terms where Spark would give another number or refuse it."""
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)  # a planner hint; Spark decides itself
        return node
    if isinstance(node, exp.Sub) and _is(node.this, exp.DType.DATE) and _is(node.expression, exp.DType.DATE):
        # DuckDB: whole days between two dates; Spark: an interval
        return exp.DateDiff(this=node.this, expression=node.expression, unit=exp.var("DAY"))
    if isinstance(node, exp.TimeToUnix):
        # epoch: seconds with their fraction, as a double (Spark's unix_timestamp drops the fraction, and dividing
        # its integer by a decimal literal rounds through a decimal)
        return exp.Div(this=_double(_func("unix_micros", node.this)), expression=exp.Literal.number("1000000.0"))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us":
        return _func("unix_micros", *node.expressions)
    if isinstance(node, exp.Div) and not _is(node.this, *exp.DataType.REAL_TYPES):
        # DuckDB divides as doubles; Spark keeps decimals (rounded to a scale) for decimal operands
        node.set("this", _double(node.this))
        return node
    if isinstance(node, exp.ToDays) or (isinstance(node, exp.Anonymous) and node.name.lower() == "to_hours"):
        zero = exp.Literal.number(0)
        amount = exp.cast(node.this if isinstance(node, exp.ToDays) else node.expressions[0], exp.DType.INT)
        days, hours = (amount, zero) if isinstance(node, exp.ToDays) else (zero, amount)
        return _func("make_dt_interval", days, hours, zero.copy(), zero.copy())
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_position":
        # DuckDB: NULL when absent; Spark's array_position: 0
        return exp.Nullif(this=_func("array_position", *node.expressions), expression=exp.Literal.number(0))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_extract":
        # the same 1-based item as a list index, NULL past the end or for a NULL index
        items, index = node.expressions
        return _func("try_element_at", items, exp.cast(index, exp.DType.INT))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_bool_or":
        return _func("exists", node.expressions[0], _lambda("flag", lambda flag: flag))
    if isinstance(node, exp.ArrayDistinct):
        # DuckDB's list_distinct drops NULLs; Spark's array_distinct keeps one
        compacted = _func("array_compact", node)
        compacted.type = node.type if _is(node, exp.DType.ARRAY) else exp.DataType(this=exp.DType.ARRAY)
        return compacted
    if isinstance(node, exp.Length) and _is_array(node.this):
        # size() of a NULL list is -1 when ANSI is off: keep DuckDB's NULL either way
        return exp.If(this=_is_null(node.this.copy()), true=exp.Null(), false=_func("size", node.this))
    if isinstance(node, exp.Bracket) and not _is(node.this, exp.DType.MAP, exp.DType.STRUCT):
        if len(node.expressions) != 1:
            raise CompileError(f"{where}: a list slice ({node.sql(dialect='duckdb')}) has no Spark counterpart here")
        # 1-based, and NULL past the end (DuckDB) rather than an error (Spark's ANSI index)
        return _func("try_element_at", node.this, exp.cast(node.expressions[0], exp.DType.INT))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone":
        zone, moment = node.expressions
        if _is(moment, exp.DType.TIMESTAMPTZ):
            # an instant shown as the zone's wall clock
            return _func("from_utc_timestamp", moment, zone)
        # a wall clock in the zone as the instant it names
        result = _func("to_utc_timestamp", moment, zone)
        result.type = exp.DataType.build("TIMESTAMPTZ")
        return result
    if isinstance(node, exp.Window) and isinstance(node.this, exp.RowNumber) and not node.args.get("order"):
        # DuckDB numbers rows in any order; Spark asks for one: any will do, so the row's other columns
        select = node.find_ancestor(exp.Select)
        keys = [e.unalias().copy() for e in (select.expressions if select else []) if not e.find(exp.Window)]
        node.set("order", exp.Order(expressions=[exp.Ordered(this=key) for key in keys]
                                    or [exp.Ordered(this=exp.Literal.number(1))]))
        return node
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode):
        # Spark takes no generator inside an expression: cast the list's items, then unnest it
        items = node.this.this
        target = node.to
        return exp.Explode(this=exp.Transform(this=items, expression=_lambda(
            "item", lambda item: exp.Cast(this=item, to=target.copy()))))
    if isinstance(node, exp.Union) and node.args.get("by_name"):
        return _union_by_position(node, where)
    if isinstance(node, exp.Anonymous) and node.name.lower() in macro_names():
        raise CompileError(f"{where}: the macro {node.name} was left unexpanded")
    if isinstance(node, exp.Anonymous) and node.name.lower() == "fsum":
        # Kahan's compensated sum, like an ordered sum, only fixes the rounding of doubles: Spark's plain sum
        value = node.expressions[0]
        return exp.Sum(this=value.this if isinstance(value, exp.Order) else value)
    if isinstance(node, (exp.Sum, exp.Avg)) and isinstance(node.this, exp.Order):
        # an ordered sum only fixes the rounding order of doubles; Spark takes no ORDER BY in an aggregate
        node.set("this", node.this.this)
        return node
    if isinstance(node, exp.Anonymous):
        raise CompileError(f"{where}: {node.name}() has no Spark counterpart the compiler knows")
    return node


def _union_by_position(node: exp.Union, where: str) -> exp.Union:
    """UNION BY NAME as Spark's positional union: the right side's columns put in the left side's order (a column
    the right side lacks is NULL there)."""
    left, right = node.this, node.expression
    if not isinstance(right, exp.Select) or not left.named_selects or "*" in left.named_selects:
        raise CompileError(f"{where}: a UNION BY NAME whose sides are not plain selects cannot be ordered for Spark")
    by_name = {projection.alias_or_name: projection for projection in right.expressions}
    extra = sorted(set(by_name) - set(left.named_selects))
    if extra:
        raise CompileError(f"{where}: the right side of a UNION BY NAME adds columns {extra} the left side lacks")
    right.set("expressions", [by_name[name] if name in by_name else exp.alias_(exp.Null(), name)
                              for name in left.named_selects])
    node.set("by_name", None)
    return node


def _typed_placeholders(tree: exp.Expression, where: str) -> exp.Expression:
    """Each $parameter cast to its declared type (parameter_types): the rewrites see its type, and Spark types an
    empty list or a NULL."""
    types = parameter_types()

    def cast(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder):
            if node.name not in types:
                raise CompileError(f"{where}: the parameter ${node.name} has no declared type for Spark")
            return exp.cast(node, exp.DataType.build(types[node.name], dialect="duckdb"))
        return node

    return tree.transform(cast, copy=False)


def compile_tree(sql: str, where: str, schema: dict[str, dict[str, str]]) -> exp.Expression:
    """The file's query compiled for Spark, as a tree."""
    tree = _typed_placeholders(expand(sql, where), where)
    try:
        tree = qualify(tree, dialect="duckdb", schema=schema, validate_qualify_columns=False,
                       quote_identifiers=False, identify=False)
        tree = annotate_types(tree, schema=schema, dialect="duckdb")
    except SqlglotError as error:
        raise CompileError(f"{where}: the query's columns cannot be resolved ({str(error).splitlines()[0]})") from None
    # children first, so a rewrite sees its operands already in Spark's terms
    for node in list(tree.walk(bfs=False))[::-1]:
        if node is tree:
            continue
        parent, key, index = node.parent, node.arg_key, node.index
        rewritten = _rewrite(node, where)
        if rewritten is not node:
            # set on the parent found before the rewrite: a rewrite may wrap the node itself
            if index is None:
                parent.set(key, rewritten)
            else:
                parent.args[key][index] = rewritten
                rewritten.parent, rewritten.arg_key, rewritten.index = parent, key, index
    return _rewrite(tree, where)


def to_spark(sql: str, where: str, schema: dict[str, dict[str, str]]) -> str:
    """The file's query as Spark SQL; its parameters are Spark named parameters (:name), bound with
    `spark.sql(text, args=…)`."""
    tree = compile_tree(sql, where, schema)
    try:
        return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except SqlglotError as error:
        raise CompileError(f"{where}: {str(error).splitlines()[0]}") from None


def parameters(sql: str) -> set[str]:
    """The $parameters a file's query uses (comment lines aside)."""
    return set(sqlfiles.PARAMETER.findall("\n".join(line for line in sql.splitlines()
                                                    if not line.lstrip().startswith("--"))))


def schema_of(cursor: Any) -> dict[str, dict[str, str]]:
    """Every table's columns and DuckDB types, read from a DuckDB connection (the canonical and derived tables)."""
    rows = cursor.execute(sqlfiles.query("table_columns")).fetchall()
    schema: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        schema.setdefault(table, {})[column] = data_type
    return schema
