from pathlib import Path

from bot.docs import in_readme, markdown


def test_readme_lists_the_commands_and_permissions_of_the_tables() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert in_readme(readme) == markdown(), "run: python -m bot.docs and paste into README.md"
