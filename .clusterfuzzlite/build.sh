#!/bin/bash -eu
# Builds every fuzz target of hakmem-torture for ClusterFuzzLite and OSS-Fuzz (the same file
# serves both; ci/ossfuzz_check.sh runs it here without Docker). It uses only OSS-Fuzz's build
# contract: $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE (flags carry the sanitizer and
# -fsanitize=fuzzer-no-link), the checkout in $SRC/hakmem-torture, scratch space in $WORK and
# the results in $OUT. For each fuzz/<name>_fuzzer.cpp it puts into $OUT:
#   <name>_fuzzer                  the target, linked with $LIB_FUZZING_ENGINE
#   <name>_fuzzer_seed_corpus.zip  the committed corpus fuzz/corpus/<name>/
#   <name>_fuzzer.dict             fuzz/<name>.dict
#   <name>_fuzzer.options          fuzz/<name>.options (libFuzzer flags)
# Needs cmake >= 3.25, ninja, zip and GoogleTest's CMake package (configure only; the Dockerfile
# installs them).
src=$SRC/hakmem-torture
build=${WORK:-/tmp}/hakmem-torture-build

targets=()
for f in "$src"/fuzz/*_fuzzer.cpp; do
  name=$(basename "$f" .cpp)
  targets+=("$name")
done

# Only allocator/ and the parts the targets link (interleave checker, op interpreter): no
# rapidcheck property tests, no -Werror (this compiler's version is not ours to pick).
# No CMAKE_BUILD_TYPE: optimisation and debug info come from $CFLAGS/$CXXFLAGS alone.
cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DHAKMEM_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DHAKMEM_PARTS="interleave;properties;fuzz" \
  -DHAKMEM_PROPERTY_TESTS=OFF -DHAKMEM_WERROR=OFF -DHAKMEM_BUILD_BENCH=OFF
cmake --build "$build" -j"${HAKMEM_BUILD_JOBS:-$(nproc)}" --target "${targets[@]}"

for t in "${targets[@]}"; do
  name=${t%_fuzzer}
  cp "$build/bin/$t" "$OUT/$t"
  rm -f "$OUT/${t}_seed_corpus.zip"
  if [ -d "$src/fuzz/corpus/$name" ]; then
    (cd "$src/fuzz/corpus/$name" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
  fi
  if [ -f "$src/fuzz/$name.dict" ]; then cp "$src/fuzz/$name.dict" "$OUT/$t.dict"; fi
  if [ -f "$src/fuzz/$name.options" ]; then cp "$src/fuzz/$name.options" "$OUT/$t.options"; fi
done
echo "build.sh: ${#targets[@]} fuzz targets in $OUT: ${targets[*]}"
