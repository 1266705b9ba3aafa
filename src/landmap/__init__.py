"""landmap: camera-trap maps and analyses of Amur leopards across the Russia–China border.

Everything here is importable without Streamlit except :mod:`landmap.ui`; start with
:func:`landmap.io.sources.load_survey` (or :func:`landmap.demo.load_demo`) and pass the
survey, or a :meth:`~landmap.survey.Survey.filter` of it, to the analyses.
"""

__version__ = "0.1.0"
