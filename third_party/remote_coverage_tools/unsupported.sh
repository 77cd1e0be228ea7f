#!/bin/sh
echo "coverage tools are not available offline (remote_coverage_tools stand-in)" >&2
exit 1
