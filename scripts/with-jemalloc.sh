#!/bin/sh
# Runs a command (a Streamlit server) with jemalloc as its malloc and Python's own small-object
# allocator (pymalloc) off, when Debian's libjemalloc2 is installed; otherwise runs it as it is.
#
#     scripts/with-jemalloc.sh python -m streamlit run streamlit_app.py ...
#
# Why: pymalloc keeps a 1 MB arena from the OS as long as one object in it lives, so the many small
# objects an upload's session leaves behind (a few per arena) kept its freed memory: 8 uploads in
# sessions that closed retained 69-82 MB (budget 60). With every allocation going to jemalloc,
# which returns unused pages on its own (background_thread, dirty pages after 1 s), they leave
# 25-51 MB (load/README.md, "Memory under uploads"). `make run`, `make hosted`, the container
# (deploy/Dockerfile), and the servers the tests and benchmarks start (tools/browser.py,
# scripts/hosted.py) all start Streamlit through this file. scripts/ensure-run-deps.sh installs
# the library; without it the server runs on glibc's malloc and says so here.
#
# JX_ALLOCATOR=system runs the command as it is (to compare); JEMALLOC=/path/libjemalloc.so.2
# names the library (instead of looking in the usual places); MALLOC_CONF, when set, is kept.
set -eu

if [ "${JX_ALLOCATOR:-jemalloc}" != "system" ]; then
    # Debian's places (amd64, arm64), then other distributions'.
    for lib in ${JEMALLOC:-/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
        /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2}; do
        if [ -r "$lib" ]; then
            LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
            PYTHONMALLOC=malloc
            MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0}"
            export LD_PRELOAD PYTHONMALLOC MALLOC_CONF
            exec "$@"
        fi
    done
    echo "scripts/with-jemalloc.sh: libjemalloc2 is not installed (Debian: apt-get install libjemalloc2);" \
        "running on glibc's malloc, which keeps more memory after uploads (load/README.md)." >&2
fi
exec "$@"
