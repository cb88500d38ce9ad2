"""Entry point (the file Streamlit Community Cloud runs). The page lives in dashboard/app.py."""

from dashboard.app import main

main()
