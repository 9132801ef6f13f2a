#!/usr/bin/env bash
# P4: the JMH benchmark of reading a cached access token, ours against MSAL4J, in one run.
# Called from the repository root by itest/benchmarks/run.sh with RESULTS=<absolute folder>, after the bundles
# were installed into the local Maven repository. Writes $RESULTS/P4.md and $RESULTS/P4.notes.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${RESULTS:?RESULTS must name the results folder}"
mkdir -p "$RESULTS"
cd "$here"

# Offline first (everything is in ~/.m2 after the first run); online once to fetch JMH and MSAL4J.
mvn_q() { mvn -B -q -o "$@" 2>/dev/null || mvn -B -q "$@"; }
mvn_q package -DskipTests
mvn_q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime

# JMH forks its measuring JVMs with this same classpath; the Java of the firmware (17).
java -cp "target/classes:$(cat target/classpath.txt)" io.mfpoauth.bench.jmh.P4 "$RESULTS"
