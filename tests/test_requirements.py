"""The traceability of the validation pack: every requirement of docs/requirements/ is proved
by tests that exist, every requirement marker names a known requirement, and each feature
a requirement names is an endpoint or a command of the platform."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from datacapt.validation.__main__ import main
from datacapt.validation.requirements import Status, load_requirements
from datacapt.validation.traceability import trace

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = load_requirements(ROOT / "docs/requirements")

# The controls the validation pack covers (docs/validation.md).
CONTROLS = {
    *(f"P11-11.10{letter}" for letter in "abcdefghijk"),
    *("P11-11.50", "P11-11.70", "P11-11.100", "P11-11.200", "P11-11.300"),
    *(f"A11-{section}" for section in (4, 7, 8, 9, 10, 12, 14, 16, 17)),
    "E6-4.1",
    *(f"E6-4.2.{item}" for item in range(1, 9)),
    *(f"E6-4.3.{item}" for item in range(1, 8)),
    *(f"GDPR-{article}" for article in (15, 17, 25, 30, 32)),
}


@pytest.mark.requirement("P11-11.10a", "A11-4", "E6-4.3.4")
def test_every_requirement_is_proved_by_tests_that_exist_and_every_marker_is_known():
    traced = trace(ROOT)
    assert traced.problems == []
    assert {requirement.id for requirement in traced.requirements} == CONTROLS
    for requirement in traced.requirements:
        assert requirement.text and requirement.title, requirement.id
        if requirement.status is Status.MET:
            assert requirement.features, f"{requirement.id} names no feature"
        else:  # partly met, not yet met, the customer's: the note says what is left, and who
            assert requirement.note, f"{requirement.id} ({requirement.status}) has no note"


def _tree(tmp_path: Path, requirements: str, tests: dict[str, str]) -> Path:
    (tmp_path / "docs/requirements").mkdir(parents=True)
    (tmp_path / "docs/requirements/fake.toml").write_text(
        'regulation = "Fake"\n' + textwrap.dedent(requirements)
    )
    for name, source in tests.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return tmp_path


def _requirement(id_: str, status: str = "met", tests: str = "[]") -> str:
    return f"""
    [[requirement]]
    id = "{id_}"
    section = "1"
    title = "A control"
    text = "What it asks."
    status = "{status}"
    tests = {tests}
    """


TESTS = {
    "tests/test_fake.py": """
        import pytest

        @pytest.mark.requirement("F-1")
        def test_one():
            pass

        def test_unmarked():
            pass
    """,
    "plugins/fake/tests/test_fake_module.py": """
        import pytest
        from pytest import mark

        pytestmark = [pytest.mark.slow, pytest.mark.requirement("F-2")]

        class TestGroup:
            @mark.requirement("F-3")
            def test_in_a_class(self):
                pass
    """,
}


def test_a_whole_trace_has_no_problem_and_customer_and_later_requirements_need_no_test(tmp_path):
    root = _tree(
        tmp_path,
        _requirement("F-1")
        + _requirement("F-2")
        + _requirement("F-3")
        + _requirement("F-4", tests='["tests/test_fake.py::test_unmarked"]')
        + _requirement("F-5", status="customer")
        + _requirement("F-6", status="not-yet-met"),
        TESTS,
    )
    traced = trace(root)
    assert traced.problems == []
    assert traced.proofs == {
        "F-1": ("tests/test_fake.py::test_one",),
        "F-2": ("plugins/fake/tests/test_fake_module.py::TestGroup::test_in_a_class",),
        "F-3": ("plugins/fake/tests/test_fake_module.py::TestGroup::test_in_a_class",),
        "F-4": ("tests/test_fake.py::test_unmarked",),
        "F-5": (),
        "F-6": (),
    }
    assert main(["--root", str(root), "check"]) == 0


@pytest.mark.parametrize("status", ["met", "partly-met"])
def test_a_requirement_without_a_test_fails_the_check(tmp_path, status, capsys):
    marked = _requirement("F-1") + _requirement("F-2") + _requirement("F-3")
    root = _tree(tmp_path, marked + _requirement("F-9", status=status), TESTS)
    assert trace(root).problems == [f"F-9: {status} but no test proves it"]
    assert main(["--root", str(root), "check"]) == 1
    assert "F-9" in capsys.readouterr().err


def test_a_marker_naming_an_unknown_requirement_fails_the_check(tmp_path):
    root = _tree(tmp_path, _requirement("F-1") + _requirement("F-2"), TESTS)
    assert trace(root).problems == [
        "plugins/fake/tests/test_fake_module.py::TestGroup::test_in_a_class:"
        " marked with an unknown requirement F-3"
    ]
    assert main(["--root", str(root), "check"]) == 1


@pytest.mark.parametrize(
    "node_id",
    [
        "tests/test_fake.py::test_gone",
        "tests/test_elsewhere.py::test_one",
        "plugins/fake/tests/test_fake_module.py::test_in_a_class",
    ],
)
def test_a_requirement_naming_a_test_that_does_not_exist_fails_the_check(tmp_path, node_id):
    requirements = _requirement("F-1") + _requirement("F-2") + _requirement("F-3")
    root = _tree(tmp_path, requirements + _requirement("F-4", tests=f'["{node_id}"]'), TESTS)
    assert trace(root).problems == [
        f"F-4: names a test that does not exist, {node_id}",
        "F-4: met but no test proves it",
    ]
    assert main(["--root", str(root), "check"]) == 1


def test_a_marker_naming_no_requirement_as_text_and_a_duplicate_id_fail_the_check(tmp_path):
    tests = {
        "tests/test_odd.py": """
            import pytest
            IDS = ("F-1",)

            @pytest.mark.requirement(*IDS)
            def test_odd():
                pass

            @pytest.mark.requirement("F-1")
            def test_fine():
                pass
        """
    }
    root = _tree(tmp_path, _requirement("F-1") + _requirement("F-1"), tests)
    assert trace(root).problems == [
        "tests/test_odd.py::test_odd: a requirement marker names its requirements as text",
        "F-1 is listed twice",
    ]


def test_a_requirement_file_that_is_not_one_is_refused_naming_it(tmp_path):
    root = _tree(tmp_path, '[[requirement]]\nid = "F-1"\n', {})
    with pytest.raises(ValueError, match=r"fake\.toml"):
        trace(root)


# "GET|PUT /api/x/{uuid}, POST /api/y/a|b": methods, then a path whose last segment may list
# alternatives; path parameters in braces.
ENDPOINT = re.compile(
    r"\b((?:GET|POST|PUT|PATCH|DELETE)(?:\|(?:GET|POST|PUT|PATCH|DELETE))*) (/[^\s,;?)]+)"
)
COMMAND = re.compile(r"\bflask ([a-z-]+) ([a-z|-]+)")


def _route_shape(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?[^>]+>|\{[^}]+\}", "{}", rule)


@pytest.mark.requirement("P11-11.10k")
def test_each_endpoint_and_command_a_requirement_names_exists(app):
    routes = {
        (method, _route_shape(rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
    }
    named = 0
    for requirement in REQUIREMENTS:
        for feature in requirement.features:
            for methods, path in ENDPOINT.findall(feature.entry):
                head, _, last = path.rpartition("/")
                for method in methods.split("|"):
                    for segment in last.split("|"):
                        shape = _route_shape(f"{head}/{segment}")
                        assert (method, shape) in routes, (requirement.id, feature.entry)
                        named += 1
            for group, commands in COMMAND.findall(feature.entry):
                for command in commands.split("|"):
                    assert command in app.cli.commands[group].commands, (requirement.id, feature)
                    named += 1
    assert named > 40  # the requirements name what meets them
