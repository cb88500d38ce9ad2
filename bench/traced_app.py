"""The dashboard with tracemalloc on, for bench/upload_memory.py --tracemalloc (not for use otherwise).

bench/memory_tracer.py starts tracing once per process and answers requests for a heap summary
(a file in bench/results/ names where to write it); then the page is drawn as streamlit_app.py does.
"""

import memory_tracer  # noqa: F401  (bench/ is on sys.path: Streamlit adds the script's folder)

from dashboard.app import main

main()
