#!/bin/sh
# run-fuzz - build a libFuzzer target against the project sources and run it
#
# SYNOPSIS
#	tests/fuzz/run-fuzz.sh NAME SECONDS
#
# DESCRIPTION
#	Builds tests/fuzz/fuzz_NAME.c with clang -fsanitize=fuzzer,address,
#	undefined and runs it for SECONDS seconds on a copy of
#	tests/fuzz/corpus_NAME (new inputs stay in the copy; crashes are
#	written there too).  Exit status is the fuzzer's.  Needs clang and
#	the -dev packages of the build.  Targets:
#
#	analysis	the analysis pipeline alone: milter/analysis/*.c and
#			milter/util/xalloc.c are compiled with the target into
#			$TMPDIR/aup-fuzz-analysis
#	conf		the INI loader with the shipped policy registry
#	csv		the CSV reader and the parents/pupils/exemptions files
#	pipeline	a message through eml_feed() and engine_evaluate()
#
#	conf, csv and pipeline link the whole engine (libaup.a), built
#	once with clang and the sanitizers by the project's own configure
#	and Makefile in $TMPDIR/aup-fuzz-build (reused, so later runs only
#	rebuild what changed).  When the source folder is configured in
#	place, autotools cannot build it out of tree, so its files are
#	copied to $TMPDIR/aup-fuzz-build/src first.
#
#	Environment: FUZZ_JOBS=N runs N fuzzer processes on one corpus
#	(libFuzzer -fork=N); FUZZ_ARGS adds libFuzzer options.
#
# SPDX-License-Identifier: MIT
set -eu

name=${1:?usage: run-fuzz.sh NAME SECONDS}
seconds=${2:?usage: run-fuzz.sh NAME SECONDS}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=${TMPDIR:-/tmp}
work=$tmp/aup-fuzz-$name
mkdir -p "$work/corpus"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
san="$san -fno-omit-frame-pointer"

# copy_sources DIR - the project's source files (not build output) into DIR
copy_sources() {
	mkdir -p "$1"
	if [ -d "$top/.git" ] && command -v git >/dev/null 2>&1; then
		(cd "$top" && git ls-files -co --exclude-standard |
		    while IFS= read -r f; do
			[ -e "$f" ] && printf '%s\n' "$f"
		    done | tar -cf - -T -) | tar -xf - -C "$1"
	else
		(cd "$top" && tar -cf - --exclude=./build --exclude=./build-asan \
		    --exclude='*.o' --exclude='*.a' --exclude=./config.status \
		    --exclude=./Makefile .) | tar -xf - -C "$1"
	fi
}

# build_libaup - libaup.a with clang and the sanitizers; sets obj
build_libaup() {
	b=$tmp/aup-fuzz-build
	src=$top
	if [ -f "$top/config.status" ]; then
		copy_sources "$b/src"
		src=$b/src
		rm -f "$src/config.status" "$src/Makefile"
	fi
	if [ ! -x "$src/configure" ]; then
		(cd "$src" && autoreconf -fi >/dev/null 2>&1)
	fi
	obj=$b/obj
	mkdir -p "$obj"
	if [ ! -f "$obj/Makefile" ]; then
		(cd "$obj" && "$src/configure" -q CC=clang \
		    CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $san" \
		    --disable-werror)
	fi
	make -s -C "$obj" -j"$(nproc)" libaup.a >"$b/make.log" 2>&1 || {
		tail -n 30 "$b/make.log" >&2
		exit 1
	}
}

case $name in
analysis)
	srcs="$top/milter/analysis/*.c $top/milter/analysis/*/*.c $top/milter/util/xalloc.c"
	pkgs="gmime-3.0 libarchive libmagic zlib libdeflate nettle"
	# shellcheck disable=SC2086
	clang -g -O1 -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer $san \
	    -I"$top/milter" -I"$top" \
	    $(pkg-config --cflags $pkgs) \
	    "$top/tests/fuzz/fuzz_$name.c" $srcs \
	    $(pkg-config --libs $pkgs) -lpthread \
	    -o "$work/fuzz_$name"
	;;
conf|csv|pipeline)
	build_libaup
	libs=$(make -s -C "$obj" print-aup-libs)
	# shellcheck disable=SC2086
	(cd "$obj" && clang -g -O1 -std=gnu11 -D_GNU_SOURCE \
	    -fsanitize=fuzzer $san \
	    -I"$obj" -I"$src/milter" -I"$src" -I"$top/tests/fuzz" \
	    $(pkg-config --cflags gmime-3.0 json-c) \
	    "$top/tests/fuzz/fuzz_$name.c" "$top/tests/fuzz/fuzz_util.c" \
	    $libs -o "$work/fuzz_$name")
	;;
*)
	echo "run-fuzz.sh: unknown target $name" >&2
	exit 2
	;;
esac

if [ -d "$top/tests/fuzz/corpus_$name" ]; then
	cp -n "$top/tests/fuzz/corpus_$name"/* "$work/corpus/" 2>/dev/null || :
fi
cd "$work"
fork=${FUZZ_JOBS:+-fork=$FUZZ_JOBS}
# shellcheck disable=SC2086
exec ./"fuzz_$name" -max_total_time="$seconds" -max_len=262144 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/" \
    $fork ${FUZZ_ARGS:-} corpus
