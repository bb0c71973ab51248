#!/bin/sh
# blind-ranking.sh - the ranking evaluation of test_ranking on the blind set
# (tests/scorer/blindset, see its README), with the blind set's own floors.
#
# test_ranking's maths is used unchanged. Every cluster of the blind set has
# a number that is not a multiple of 3, so test_ranking puts all 33 offers in
# its "development" columns and its held-out columns are empty; its own floors
# (written for devset) are therefore not the verdict here: this script reads
# the figures it prints and applies the floors below.
#
# Usage: blind-ranking.sh TEST_RANKING BLINDSET SIMILARITY.so RANDOM.so MINIMAL.so
#
# Floors, set on 2026-12-05 below what similarity scored that day
# (top-1 0.667, NDCG@5 0.947, x-lang 0.560; random 0.199 / 0.798 / 0.205,
# minimal 0.355 / 0.842 / 0.276), raised on 2026-12-06 for similarity 2.3.0
# (top-1 0.788 = 26 offers of 33, NDCG@5 0.962, x-lang 0.720 = 18 of 25;
# the set is development data since then, see its README): about three
# offers of slack on top-1 (23/33 = 0.697) and on x-lang (15/25), so a real
# regression fails and noise from one change does not; raised again for
# similarity 2.4.0 (top-1 0.818 = 27 of 33, NDCG@5 0.965, x-lang 0.760 = 19
# of 25): three offers under, 24/33 = 0.727 and 16/25 = 0.640; raised again
# for similarity 2.7.0 (top-1 0.939 = 31 of 33, NDCG@5 0.978, x-lang 0.960 =
# 24 of 25): three offers under, 28/33 = 0.848 and 21/25 = 0.840.
#
# blindset2 (written blind on 2026-12-06) passes its own floors in the
# environment: see tests/scorer/meson.build.
FLOOR_TOP1=${FLOOR_TOP1:-0.84}
FLOOR_NDCG=${FLOOR_NDCG:-0.95}
FLOOR_XLANG=${FLOOR_XLANG:-0.84}
MARGIN_RANDOM=${MARGIN_RANDOM:-0.25}
MARGIN_MINIMAL=${MARGIN_MINIMAL:-0.15}

if [ "$#" -ne 5 ]; then
	echo "usage: $0 TEST_RANKING BLINDSET SIMILARITY.so RANDOM.so MINIMAL.so" >&2
	exit 2
fi
out=$("$1" -v "$2" "$3" "$4" "$5")
rc=$?
printf '%s\n' "$out"
# 1 is test_ranking's verdict on devset floors (ignored here); anything else
# is a failure to load the set or a plugin.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
	echo "FAIL: test_ranking exited with $rc" >&2
	exit 1
fi
printf '%s\n' "$out" | awk -v ft="$FLOOR_TOP1" -v fn="$FLOOR_NDCG" -v fx="$FLOOR_XLANG" \
	-v mr="$MARGIN_RANDOM" -v mm="$MARGIN_MINIMAL" '
/^devset: / { if ($0 !~ /held-out 0 \(0\)/) heldout = 1; header = 1 }
/^similarity / { st = $2; sn = $3; sx = $4; s = 1 }
/^random \(mean / { rt = $6; r = 1 }
/^minimal / { mt = $3; m = 1 }
function check(ok, what, v, f) {
	if (!ok) { printf "FAIL: %s %.3f is below %.3f\n", what, v, f; bad = 1 }
}
END {
	if (!header || !s || !r || !m) { print "FAIL: cannot read the figures of test_ranking"; exit 1 }
	if (heldout) { print "FAIL: a blind-set cluster number is a multiple of 3 (see README)"; exit 1 }
	printf "\nblind set: similarity top-1 %.3f, NDCG@5 %.3f, x-lang %.3f; random top-1 %.3f, minimal top-1 %.3f\n", st, sn, sx, rt, mt
	check(st >= ft, "blind top-1", st, ft)
	check(sn >= fn, "blind NDCG@5", sn, fn)
	check(sx >= fx, "blind x-lang top-1", sx, fx)
	check(st - rt >= mr, "blind top-1 margin over random", st - rt, mr)
	check(st - mt >= mm, "blind top-1 margin over minimal", st - mt, mm)
	print bad ? "FAIL" : "PASS"
	exit bad
}'
