#!/bin/sh
# usage: image.sh SRC BUILD_ROOT
# The container image without Docker: the Dockerfile's runtime stage
# (image-runtime.sh), then its build stage and the runtime checks again
# with the tree built there (image-build.sh). One test, so that meson may
# run it beside the other tests (the two share <build>/k8s-image and must
# not run at once); both stages always run, and it fails if either does.
set -u
here=$(dirname "$0")
status=0
"$here/image-runtime.sh" "$@" || status=1
"$here/image-build.sh" "$@" || status=1
exit $status
