"""Rerun one chapter with other parameter values, leaving the published notebook untouched.

    python -m pipeline.rerun chapters/NN-slug.md -p name value [-p name value ...]

Values are read as Python literals when they parse as such (numbers, lists, None), else as
text. The executed notebook goes to _build/reruns/, and the values the chapter glues into its
prose are printed so the effect of the new assumptions can be read at once.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from pipeline import build, notebooks

RERUN_DIR = build.BUILD_DIR / "reruns"


def parse_value(text: str):
    """A parameter value as Python would read it, falling back to the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def glued_values(notebook) -> dict[str, str]:
    """The plain-text value of every glued variable in an executed notebook."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = output.get("data", {})
                values[name] = data.get("application/papermill.record/text/plain", "")
    return values


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
