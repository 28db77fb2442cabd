"""The examples in the README and in docstrings are run as tests, so the docs match the code."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import complaint_nlp
import service

README = Path(__file__).parents[1] / "README.md"
MODULES = sorted(
    m.name
    for package in (complaint_nlp, service)
    for m in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
)


def test_readme_examples() -> None:
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("name", ["complaint_nlp", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
