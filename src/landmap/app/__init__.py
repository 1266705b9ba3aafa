"""The dashboard's Streamlit side: the only code in landmap that imports Streamlit.

Split by concern: ``state`` (session-state keys, the session's language), ``signin``
(who is using the dashboard and their role), ``precision`` (the location precision the
role allows), ``data`` (the data source and what the user loaded), ``filters`` (the
shared sidebar filters and their URL mirror), ``cache`` (the selection and cached
analyses), ``widgets`` (drawing helpers the pages share) and ``serve`` (the server entry
point). Pages import from here and from the public API (:mod:`landmap`) only.
"""
