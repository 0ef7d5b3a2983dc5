#!/usr/bin/env bash
# Prints a JAVA_HOME whose JDK is 21 or newer (the build compiles with --release 21 for Lambda's java21).
# $JAVA_HOME wins when it is one; otherwise the lowest 21+ JDK found in the usual places, so a machine
# with 21 and 25 builds on 21, the version Lambda runs. Exits 1, saying why, when there is none.
# Used by the Makefile (sam build) and .ci/run:  JAVA_HOME="$(infrastructure/find-jdk.sh)"
set -euo pipefail

readonly MIN_MAJOR=21

# Major version of the JDK at $1, or nothing when it is not a JDK (javac is needed, a JRE will not do).
jdk_major() {
  local home=$1 version=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  if [[ -r "$home/release" ]]; then
    # Read with the shell's own builtins: a sed per candidate made this script a tenth of a local run's launch.
    local line
    while IFS= read -r line || [[ -n "$line" ]]; do
      if [[ "$line" =~ ^JAVA_VERSION=\"([^\"]*)\" ]]; then
        version=${BASH_REMATCH[1]}
        break
      fi
    done < "$home/release"
  fi
  if [[ -z "$version" ]]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
  fi
  version=${version#1.}            # 1.8.0_392 -> 8.0_392
  version=${version%%[!0-9]*}      # 21.0.5 -> 21, 25-ea -> 25
  [[ -n "$version" ]] && echo "$version"
  return 0
}

if [[ -n "${JAVA_HOME:-}" ]]; then
  major=$(jdk_major "$JAVA_HOME")
  if [[ -n "$major" && "$major" -ge $MIN_MAJOR ]]; then
    echo "$JAVA_HOME"
    exit 0
  fi
fi

candidates=()
if java_on_path=$(command -v java 2>/dev/null); then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$java_on_path")")")")
fi
for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.asdf/installs/java/*; do
  [[ -d "$dir" ]] && candidates+=("$dir")
done

best_home="" best_major=""
for home in "${candidates[@]}"; do
  major=$(jdk_major "$home")
  [[ -n "$major" && "$major" -ge $MIN_MAJOR ]] || continue
  if [[ -z "$best_major" || "$major" -lt "$best_major" ]]; then
    best_home=$home best_major=$major
  fi
done

if [[ -z "$best_home" ]]; then
  echo "find-jdk.sh: no JDK $MIN_MAJOR or newer found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm, PATH);" \
       "install one, e.g. Temurin 21, or set JAVA_HOME to it" >&2
  exit 1
fi
echo "$best_home"
