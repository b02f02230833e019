"""flask plugins new: a working plugin package; the shipped example is exactly its output."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "examples" / "datacapt-hello"
IGNORED = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def files_of(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not IGNORED.intersection(path.parts)
        and not any(part.endswith(".egg-info") for part in path.parts)
    }


def test_new_writes_a_complete_plugin_package(app, tmp_path):
    target = tmp_path / "datacapt-stock_count"
    result = app.test_cli_runner().invoke(
        args=["plugins", "new", "stock_count", "--path", str(target)]
    )
    assert result.exit_code == 0, result.output
    written = files_of(target)
    assert set(written) == {
        "README.md",
        "pyproject.toml",
        "datacapt_stock_count/__init__.py",
        "datacapt_stock_count/plugin.py",
        "datacapt_stock_count/models.py",
        "datacapt_stock_count/permissions.py",
        "datacapt_stock_count/schemas.py",
        "datacapt_stock_count/routes.py",
        "datacapt_stock_count/services.py",
        "datacapt_stock_count/messages.py",
        "datacapt_stock_count/errors.py",
        "datacapt_stock_count/jobs.py",
        "datacapt_stock_count/migrations/script.py.mako",
        "datacapt_stock_count/migrations/versions/0001_initial.py",
        "datacapt_stock_count/locales/fr/LC_MESSAGES/stock_count.po",
        "tests/test_stock_count.py",
    }
    assert 'stock_count = "datacapt_stock_count.plugin"' in written["pyproject.toml"]
    assert (
        "class StockCountRecord(TenantModel, BaseModel, StudyScopedMixin, Audited):"
        in written["datacapt_stock_count/models.py"]
    )
    assert '"/api/stock-count/records/"' in written["tests/test_stock_count.py"]
    assert 'GREETING = "stock_count.greeting"' in written["datacapt_stock_count/messages.py"]
    for name, text in written.items():
        if name.endswith(".py"):
            compile(text, name, "exec")  # every generated module is valid Python
        assert "${" not in text or name.endswith(".mako"), f"unfilled placeholder in {name}"


def test_the_example_is_the_scaffold_output(app, tmp_path):
    """examples/datacapt-hello is what `flask plugins new hello` writes, unedited."""
    target = tmp_path / "hello"
    app.test_cli_runner().invoke(args=["plugins", "new", "hello", "--path", str(target)])
    assert files_of(target) == files_of(EXAMPLE)


def test_new_refuses_bad_names_and_used_directories(app, tmp_path):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["plugins", "new", "Bad-Name", "--path", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "is not a plugin name" in bad.output
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    refused = runner.invoke(args=["plugins", "new", "fine", "--path", str(used)])
    assert refused.exit_code == 1 and "not empty" in refused.output
    assert [p.name for p in used.iterdir()] == ["keep.txt"]
    assert runner.invoke(args=["plugins", "new", "fine"]).exit_code == 2
