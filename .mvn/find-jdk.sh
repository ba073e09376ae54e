# Sourced by ./mvnw, ./llmc and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if new enough, else the newest JDK under /usr/lib/jvm, else a clear error.
llmc_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
llmc_find_jdk() {
  local min=21 candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(llmc_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge "$min" ]; then return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(llmc_java_major "$candidate")
    if [ "${major:-0}" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
  done
  if [ "$best_major" -ge "$min" ]; then
    export JAVA_HOME="$best"
    return 0
  fi
  echo "error: LLM Controller needs a JDK $min or newer. Set JAVA_HOME to one (found: ${JAVA_HOME:-none} and ${best:-nothing} under /usr/lib/jvm)." >&2
  return 1
}
llmc_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
