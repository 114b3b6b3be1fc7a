"""Every text key the code asks for is a message of the catalogues (issue 22: ``/opgave dilemma
opgelost xyz`` asked for ``grammar.bad_dilemma``, which did not exist, and crashed).

The code is read, not run: every call of ``t``/``tn`` (and the grammar's ``fail``) is found
in ``bot/`` and ``handlers/``, and its key is resolved — a literal, either branch of a
conditional, a variable assigned literals, a parameter given literals by its callers, a
module-level table of keys. A key built at run time (``f"role.{role}"``) must be listed
in ``BUILT`` below with every value the code can put in it, so a new kind of argument,
role or status shows up here as a missing text instead of a crash in front of a user.
"""

from __future__ import annotations

import ast
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import get_args

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.besluitvorming import FEEDBACK, ROUTES
from bot.commands import GRAMMARS, OPGAVE_FIELDS, OVERLEG_KINDS, PERSON_FIELDS
from bot.grammar import Kind
from bot.permissions import PERMISSIONS
from bot.questionnaire import StepKind
from bot.roles import SCOPED, Role
from bot.services.register import ROLE_OF
from bot.texts.catalogues import template_path
from bot.vocab import NEEDS_ATTENTION

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")])
# Functions whose first argument is a text key (``tn``'s has plural forms).
KEYED = ("t", "tn", "fail")

STEPS = (FEEDBACK, *{s for route in ROUTES.values() for s in route})
DRIEHOEK = tuple(role for role, _ in ROLE_OF)
# A key built at run time, as written in the code → every value the code can put in it.
BUILT: dict[str, tuple[str, ...]] = {
    # Every kind but a choice (which names its choices) can be refused with its own text.
    "grammar.bad_{}": tuple(k.value for k in Kind if k is not Kind.KEUZE),
    "role.scoped.{}": tuple(r.name.lower() for r in SCOPED),
    # Roles in a permission refusal, and the driehoek roles a card shows vacant.
    "role.{}": (*(r.name.lower() for r in Role), *DRIEHOEK),
    "role.{}.short": DRIEHOEK,
    "mine.as.{}": DRIEHOEK,
    "action.{}": tuple(PERMISSIONS),
    "besluit.route.{}": tuple(ROUTES),
    "besluit.route.kort.{}": tuple(r for r in ROUTES if r != "geen"),
    "besluit.stap.{}": STEPS,
    "besluit.herinnering.{}": ("college", "raad"),
    "besluit.afwijkend.kop.{}": ("college", "raad"),
    "digest.besluit.{}": STEPS,
    "card.besluit.nog.{}": STEPS,
    "field.stap.datum.{}": tuple(s for s in STEPS if s != FEEDBACK),
    "agendapunt.{}": ("geaccepteerd", "afgewezen"),
    "paging.rest.{}": ("punt", "opgave", "wijziging", "regel", "overleg", "persoon"),
    "agendapunt.al.{}": ("geaccepteerd", "afgewezen"),
    "done.agendapunt.{}": ("geaccepteerd", "afgewezen"),
    "gesprek.knop.{}": ("terug", "later", "klaar", "stop"),
    "gesprek.hint.{}": get_args(StepKind),
    "overleg.soort.{}": OVERLEG_KINDS,
    "done.deelname.{}": ("mee", "niet", "besproken"),
    "done.deelname.{}.alle": ("mee", "niet", "besproken"),
    "veld.zin.{}": (*OPGAVE_FIELDS, *PERSON_FIELDS),
    "help.heading.{}": tuple(GRAMMARS),
    "dilemma.status.{}": ("open", "geescaleerd", "opgelost"),
    "attention.{}": (*NEEDS_ATTENTION, "vacant", "geen_update"),
    "entiteit.{}": ("afweging", "respondent"),
    "datum.vrij.{}": ("feestdag", "weekend", "sluitingsdag"),
}


def _built(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add))


def _pattern(node: ast.expr) -> str:
    """A built key with its one run-time part as ``{}``: ``f"role.{r}"`` → ``role.{}``."""
    if isinstance(node, ast.BinOp):
        assert isinstance(node.left, ast.Constant), ast.unparse(node)
        return f"{node.left.value!s}{{}}"
    assert isinstance(node, ast.JoinedStr)
    parts = [str(p.value) if isinstance(p, ast.Constant) else "{}" for p in node.values]
    assert parts.count("{}") == 1, ast.unparse(node)
    return "".join(parts)


class _Module:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents: dict[ast.AST, ast.AST] = {
            child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}

    def function_of(self, node: ast.AST) -> ast.AST:
        while node in self.parents and not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef):
            node = self.parents[node]
        return node

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


def _literals(node: ast.AST | None) -> Iterator[ast.Constant]:
    """The string literals an expression can evaluate to (conditionals and tables
    included, but not literals used as arguments of calls inside it)."""
    if node is None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.List | ast.Tuple):
        # ("digest.todo.status", [...]) pairs: the key is the first element.
        for element in node.elts:
            if isinstance(element, ast.Tuple) and element.elts:
                yield from _literals(element.elts[0])
            else:
                yield from _literals(element)


def _resolve(module: _Module, node: ast.expr, modules: list[_Module]) -> Iterator[
        tuple[str, str]]:
    """(key, where) for every key ``node`` can be; an unresolvable key fails the test."""
    where = module.where(node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value, where
    elif isinstance(node, ast.IfExp):
        yield from _resolve(module, node.body, modules)
        yield from _resolve(module, node.orelse, modules)
    elif _built(node):
        pattern = _pattern(node)
        if pattern not in BUILT:
            pytest.fail(f"{where}: the key {ast.unparse(node)} is built at run time; list "
                        f"the values of {pattern} in BUILT")
        for value in BUILT[pattern]:
            yield pattern.format(value), where
    elif isinstance(node, ast.Name):
        yield from _resolve_name(module, node, modules)
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        table = _module_assignment(module, node.value.id)
        for literal in _literals(table):
            yield str(literal.value), where
    elif isinstance(node, ast.Attribute) and node.attr == "summary":
        for grammar in GRAMMARS.values():
            for command in grammar.commands:
                yield command.summary, where
    else:
        pytest.fail(f"{where}: cannot tell which text key {ast.unparse(node)} is")


def _module_assignment(module: _Module, name: str) -> ast.expr | None:
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == name for target in node.targets):
            return node.value
    return None


def _resolve_name(module: _Module, node: ast.Name, modules: list[_Module]) -> Iterator[
        tuple[str, str]]:
    function = module.function_of(node)
    found = False
    for inner in ast.walk(function):
        value: ast.AST | None = None
        if isinstance(inner, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == node.id for target in inner.targets):
            value = inner.value
        elif isinstance(inner, ast.For | ast.comprehension) and isinstance(
                inner.target, ast.Tuple) and any(
                isinstance(e, ast.Name) and e.id == node.id for e in inner.target.elts):
            value = inner.iter
            if isinstance(value, ast.Name):
                value = next((a.value for a in ast.walk(function) if isinstance(a, ast.Assign)
                              and any(isinstance(t, ast.Name) and t.id == value.id
                                      for t in a.targets)), None)
        for literal in _literals(value):
            found = True
            yield str(literal.value), module.where(literal)
    if not found and isinstance(function, ast.FunctionDef):
        found = yield from _from_callers(function, node.id, modules)
    if not found:
        pytest.fail(f"{module.where(node)}: cannot tell which text key {node.id} is")


def _from_callers(function: ast.FunctionDef, name: str, modules: list[_Module]) -> Generator[
        tuple[str, str], None, bool]:
    """A key passed in as a parameter: the literals its callers pass."""
    params = [a.arg for a in function.args.args]
    if name not in params:
        return False
    # A method called on an object is not given ``self`` in the call.
    position = params.index(name) - (params[:1] == ["self"])
    found = False
    for module in modules:
        for call in ast.walk(module.tree):
            if not (isinstance(call, ast.Call) and _called(call) == function.name):
                continue
            given = [k.value for k in call.keywords if k.arg == name]
            if not given and len(call.args) > position:
                given = [call.args[position]]
            for value in given:
                for key, where in _resolve(module, value, modules):
                    found = True
                    yield key, where
    return found


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def used_keys() -> dict[str, tuple[bool, str]]:
    """Every text key the code asks for → whether it is asked for with a count (``tn``),
    and one place that asks for it."""
    modules = [_Module(path) for path in SOURCES if "texts" not in path.parts]
    keys: dict[str, tuple[bool, str]] = {}
    for module in modules:
        for call in ast.walk(module.tree):
            if isinstance(call, ast.Call) and _called(call) in KEYED and call.args:
                for key, where in _resolve(module, call.args[0], modules):
                    keys.setdefault(key, (_called(call) == "tn", where))
    return keys


def _template() -> dict[str, bool]:
    """Every message id of the template → whether it has plural forms."""
    with template_path().open("rb") as file:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.pluralizable
                for m in read_po(file) if m.id}


def test_every_text_key_the_code_uses_is_a_message_of_the_catalogues() -> None:
    keys = used_keys()
    assert keys["grammar.bad_dilemma"][0] is False and keys["permission.denied"][0] is True
    ids = _template()
    missing = {key: where for key, (_, where) in keys.items() if key not in ids}
    assert not missing, f"missing texts {missing}"
    # t() of a plural message, or tn() of a plain one, fails when it is shown.
    wrong = {key: where for key, (counted, where) in keys.items() if ids[key] != counted}
    assert not wrong, f"asked for with(out) a count, against the catalogue: {wrong}"


def test_pybabel_extract_finds_only_messages_of_the_catalogues() -> None:
    """``pybabel extract -F babel.cfg`` reads the same keys from the code."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    ids = _template()
    found: dict[str, bool] = {}
    for folder in ("bot", "handlers"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, method_map, options_map):
            key = message[0] if isinstance(message, tuple) else message
            found[key] = isinstance(message, tuple)
    assert "permission.denied" in found and "grammar.unknown" in found
    # Babel runs the two literals of t("a" if c else "b") together as one id "ab".
    joined = {key for key in found if key not in ids and any(
        key[:i] in ids and key[i:] in ids for i in range(1, len(key)))}
    assert "done.ritme.ervoordone.ritme.erna" in joined
    assert {key: plural for key, plural in found.items()
            if key not in joined and ids.get(key) != plural} == {}


@pytest.mark.parametrize("text", ["dilemma opgelost xyz", "dilemma escaleer JGD-03 bpsdl"])
def test_a_malformed_dilemma_reference_is_explained(chat, text: str) -> None:  # type: ignore[no-untyped-def]
    reply = chat(text)
    assert reply.refused
    shown = chat.text(text)
    assert "is geen dilemma. Schrijf code#Dnummer, zoals JGD-03#D1." in shown
    assert "Gebruik: /opgave dilemma " in shown
