"""Rerun one chapter with other parameter values, leaving the published notebook untouched.

    python -m pipeline.rerun chapters/NN-slug.md -p name value [-p name value ...]

Values are read as Python literals when they parse as such (numbers, lists, None), else as
text. Before anything runs, each is checked against what the chapter's parameters cell says it
accepts: a name the chapter does not have, or a value of the wrong kind or out of range, stops
the rerun with a message naming the parameter, what it accepts and the chapters that do have the
name. The executed notebook goes to _build/reruns/, and the values the chapter glues into its
prose are printed so the effect of the new assumptions can be read at once.

Each line of a parameters cell reads `name = default  # accepts: what it means`, where `accepts`
(everything before the first colon) is `int, A to B`, `number, A to B`, `text`, `one of "a", "b"`, `list of text` or
`dict of text to number`, optionally followed by `or None`.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline import build, notebooks

RERUN_DIR = build.BUILD_DIR / "reruns"


def parse_value(text: str):
    """A parameter value as Python would read it, falling back to the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


PARAMETER_LINE = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s*=\s*(?P<default>[^#]+?)\s*#\s*(?P<accepts>[^:]+):\s*(?P<means>.+)$")
RANGE = re.compile(r"^(?P<kind>int|number), (?P<low>-?[\d.]+) to (?P<high>-?[\d.]+)$")
ONE_OF = re.compile(r'^one of (?P<values>"[^"]*"(?:, "[^"]*")*)$')


class ParameterError(ValueError):
    """A parameters cell, or a value given for it, that a rerun cannot use."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: object
    accepts: str  # as the parameters cell writes it
    means: str

    def problem(self, value) -> str | None:
        """Why `value` is not accepted, or None."""
        accepts = self.accepts
        if accepts.endswith(" or None"):
            if value is None:
                return None
            accepts = accepts.removesuffix(" or None")
        if (found := RANGE.match(accepts)):
            kinds = (int,) if found["kind"] == "int" else (int, float)
            if isinstance(value, bool) or not isinstance(value, kinds):
                return f"is {_kind(value)}, not {'a whole number' if found['kind'] == 'int' else 'a number'}"
            if not float(found["low"]) <= value <= float(found["high"]):
                return f"is outside {found['low']} to {found['high']}"
            return None
        if (found := ONE_OF.match(accepts)):
            allowed = re.findall(r'"([^"]*)"', found["values"])
            return None if value in allowed else f"is not one of {', '.join(allowed)}"
        if accepts == "text":
            return None if isinstance(value, str) else f"is {_kind(value)}, not text"
        if accepts == "list of text":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            return None if ok else f"is {_kind(value)}, not a list of texts"
        if accepts == "dict of text to number":
            ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, (int, float))
                                                and not isinstance(v, bool) for k, v in value.items())
            return None if ok else f"is {_kind(value)}, not a dictionary of texts to numbers"
        raise ParameterError(f"parameter '{self.name}': the chapter says it accepts {self.accepts!r}, "
                             "which a rerun cannot check (see pipeline/rerun.py for the forms)")


def _kind(value) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: f"the text {value!r}",
            list: "a list", dict: "a dictionary", type(None): "None"}.get(type(value), type(value).__name__)


def parameters_of(source: Path) -> dict[str, Parameter]:
    """The parameters a chapter's parameters cell declares, with what each accepts."""
    cells = [c for c in notebooks.from_source(source).cells if "parameters" in c.metadata.get("tags", [])]
    found = {}
    for cell in cells:
        for line in cell.source.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            match = PARAMETER_LINE.match(line)
            if not match:
                raise ParameterError(f"{source.name}: parameters cell line {line!r} does not read "
                                     "'name = default  # accepts: what it means'")
            found[match["name"]] = Parameter(match["name"], parse_value(match["default"]), match["accepts"].strip(),
                                             match["means"].strip())
    return found


def check(source: Path, values: dict, chapters: list[Path] | None = None) -> list[str]:
    """Why each given value cannot be used for the chapter at `source`, one sentence each."""
    declared = parameters_of(source)
    problems = []
    for name, value in values.items():
        if name not in declared:
            elsewhere = [c.name for c in (chapters or notebooks.chapter_sources()) if name in parameters_of(c)]
            close = difflib.get_close_matches(name, declared, n=1)
            problems.append(f"{source.name} has no parameter '{name}'"
                            + (f" (did you mean '{close[0]}'?)" if close else "")
                            + f"; its parameters are {', '.join(declared) or 'none'}"
                            + (f"; '{name}' is a parameter of {', '.join(elsewhere)}" if elsewhere else ""))
            continue
        parameter = declared[name]
        why = parameter.problem(value)
        if why:
            problems.append(f"-p {name} {value!r}: the value {why}; {name} accepts {parameter.accepts} "
                            f"({parameter.means})")
    return problems


def glued_values(notebook) -> dict[str, str]:
    """The plain-text value of every glued variable in an executed notebook."""
    return {name: data.get("text/plain", "") for name, data in notebooks.glued_outputs(notebook).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", type=Path, help="the chapter's text source, chapters/NN-slug.md")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="a parameter and its value")
    args = parser.parse_args(argv)
    source = args.chapter.resolve()
    if source.suffix != ".md" or not source.exists():
        parser.error(f"{args.chapter} is not a chapter's text source (chapters/NN-slug.md)")
    parameters = {name: parse_value(value) for name, value in args.parameter}
    try:
        problems = check(source, parameters)
    except ParameterError as err:
        problems = [str(err)]
    if problems:
        print("rerun stopped before executing anything:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    RERUN_DIR.mkdir(parents=True, exist_ok=True)
    output = RERUN_DIR / source.with_suffix(".ipynb").name
    outcome = build.execute(source, parameters, output)
    print(outcome.line())
    if outcome.action != "executed":
        return 1
    print(f"executed notebook: {build.display_path(output)}")
    for name, value in glued_values(notebooks.read(output)).items():
        shown = value if len(value) <= 70 else value[:67] + "..."
        print(f"  {name} = {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
