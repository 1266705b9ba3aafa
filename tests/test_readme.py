"""The README's "Use from Python" section runs as written."""

import doctest

from tests.conftest import ROOT


def test_use_from_python_section_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Use from Python"):readme.index("## Command line")]
    test = doctest.DocTestParser().get_doctest(section, {}, "README: Use from Python",
                                               "README.md", 0)
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
