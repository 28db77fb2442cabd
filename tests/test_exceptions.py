import pytest

import complaint_nlp
from complaint_nlp import exceptions


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (exceptions.InvalidInputError, ValueError),
        (exceptions.DataFileError, ValueError),
        (exceptions.ModelNotFoundError, FileNotFoundError),
        (exceptions.ModelIntegrityError, ValueError),
        (exceptions.MalformedRowError, ValueError),
        (exceptions.UndecodableInputError, UnicodeError),
    ],
)
def test_every_error_is_both_ours_and_the_builtin_it_refines(
    error: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error, exceptions.ComplaintNLPError)
    assert issubclass(error, builtin)
    with pytest.raises(builtin):
        raise error("x")


def test_exceptions_are_exported_at_top_level() -> None:
    for name in exceptions.__all__:
        assert getattr(complaint_nlp, name) is getattr(exceptions, name)


def test_public_all_is_sorted() -> None:
    assert list(complaint_nlp.__all__) == sorted(complaint_nlp.__all__)
