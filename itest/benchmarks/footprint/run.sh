#!/usr/bin/env bash
# Benchmarks P1 (start-up), P2 (resident memory), P3 (bundle size) and P9 (start-up with a class-data archive):
# the exported firmware against the bare runtime (itest/benchmarks/bare-runtime) and, for P3, against MSAL4J.
# Called by itest/benchmarks/run.sh after the build; writes $RESULTS/P<n>.md (one table row) and P<n>.notes.md.
#
# Environment: RESULTS (required, absolute), ONLY (e.g. P1,P3; default all four), RUNS (start-up pairs, 5),
# MEM_RUNS (memory pairs, 3), REFRESHES (100). Every comparison alternates firmware and bare runtime.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
: "${RESULTS:?RESULTS must name the results folder}"
RUNS="${RUNS:-5}"
MEM_RUNS="${MEM_RUNS:-3}"
REFRESHES="${REFRESHES:-100}"
ONLY="${ONLY:-P1,P2,P3,P9}"
firmware="$root/features/target/firmware.jar"
bare="$root/itest/benchmarks/bare-runtime/image/target/bare.jar"
work="$root/itest/benchmarks/target/footprint"
mkdir -p "$RESULTS" "$work"
# The levers P9 ships (see README.md): a class-data archive trained on the image, the bundle cache kept across
# starts, and the client compiler with the serial collector for a 1-2 core device. The archive and cache live in
# the folder the firmware runs in ($kept here, the device's working folder in the README's command).
p9_levers="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlaunch.keep=true -Dlaunch.storage.dir=bundle-cache"

wanted() { [[ ",$ONLY," == *",$1,"* ]]; }
driver() { java "$here/Footprint.java" "$@"; }
# value <key> <line>: the number after key= in the driver's result line
value() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
met() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "yes" : "no" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
# failed <P> <measure> <target> <log>: a visible row instead of a result
failed() {
    echo "| $1 | $2 | failed | | | $3 | no |" >"$RESULTS/$1.md"
    { echo "**$1 failed** (last lines of its log):"; echo '```'; tail -n 15 "$4"; echo '```'; } >"$RESULTS/$1.notes.md"
}

for jar in "$firmware" "$bare"; do
    [[ -f "$jar" ]] || { echo "missing $jar: build first (mvn -B -q install -DskipTests)" >&2; exit 1; }
done

if wanted P3; then
    echo "== P3 bundle size" >&2
    # MSAL4J 1.26.1 with what its pom needs at run time (compile and runtime scopes, transitively).
    msal="$work/msal4j"
    rm -rf "$msal" && mkdir -p "$msal"
    cat >"$msal/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>msal4j-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>com.microsoft.azure</groupId><artifactId>msal4j</artifactId><version>1.26.1</version></dependency>
  </dependencies>
</project>
EOF
    if (cd "$msal" && mvn -B -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=jars) >"$work/P3.log" 2>&1; then
        ours=0; ours_list=""
        for b in token.api token.service provider.microsoft; do
            jar=$(ls "$root"/bundles/$b/target/io.mfpoauth.$b-*.jar | grep -v -e sources -e tests | head -1)
            size=$(stat -c %s "$jar"); ours=$((ours + size)); ours_list+="$(basename "$jar") $size B, "
        done
        theirs=0; theirs_list=""
        for jar in "$msal"/jars/*.jar; do
            size=$(stat -c %s "$jar"); theirs=$((theirs + size)); theirs_list+="$(basename "$jar") $size B, "
        done
        r=$(ratio $ours $theirs)
        echo "| P3 | Bundle size: token.api + token.service + provider.microsoft | $ours B | MSAL4J 1.26.1 + runtime deps: $theirs B | ${r}× | ≤ 0.3× | $(met "$r" 0.3) |" >"$RESULTS/P3.md"
        echo "P3: exact jar sizes as built. Ours: ${ours_list%, }. MSAL4J's runtime closure, resolved from Maven Central by \`mvn dependency:copy-dependencies -DincludeScope=runtime\` on a pom depending on msal4j 1.26.1 (its pom declares slf4j-api 1.7.36 and azure-json 1.4.0 at compile scope, the rest is test scope): ${theirs_list%, }." >"$RESULTS/P3.notes.md"
    else
        failed P3 "Bundle size" "≤ 0.3×" "$work/P3.log"
    fi
fi

if wanted P1; then
    echo "== P1 start-up, $RUNS pairs" >&2
    if line=$(driver start "$RUNS" "$firmware" "$bare" - - 2> >(tee "$work/P1.log" >&2)); then
        f=$(value firmware "$line"); b=$(value bare "$line"); r=$(ratio "$f" "$b")
        echo "| P1 | Start to ready (page + token service vs hello servlet), median ms | $f ms | bare runtime: $b ms | ${r}× | ≤ 1.15× | $(met "$r" 1.15) |" >"$RESULTS/P1.md"
        fc=$(value firmwareCpu "$line"); bc=$(value bareCpu "$line")
        echo "P1: \`java -jar\` with default JVM flags, fresh data and conf folders and a free port each run, $RUNS runs of each alternating (firmware, bare, ...); ready = firmware's \`GET /\` and \`GET /api/v1/tokens\` (admin) both 200, bare's \`GET /hello\` 200, polled every 20 ms. Firmware $(value firmwareMin "$line")–$(value firmwareMax "$line") ms, bare $(value bareMin "$line")–$(value bareMax "$line") ms. CPU time (user + system) used until ready, median: firmware $fc ms, bare $bc ms ($(ratio "$fc" "$bc")×): on a loaded machine the wall-clock ratio also holds the waiting for a CPU, which grows with the amount of work." >"$RESULTS/P1.notes.md"
    else
        failed P1 "Start to ready" "≤ 1.15×" "$work/P1.log"
    fi
fi

if wanted P2; then
    for flags in - -Xmx32m; do
        label=$([[ $flags == - ]] && echo "default heap" || echo "$flags")
        echo "== P2 resident memory ($label), $MEM_RUNS pairs" >&2
        if line=$(driver memory "$MEM_RUNS" "$firmware" "$bare" "$flags" "$REFRESHES" 2> >(tee -a "$work/P2.log" >&2)); then
            fi_=$(value firmwareIdle "$line"); fl=$(value firmwareLoad "$line")
            bi=$(value bareIdle "$line"); bl=$(value bareLoad "$line")
            ri=$(ratio "$fi_" "$bi"); rl=$(ratio "$fl" "$bl")
            m=$(awk -v a="$ri" -v b="$rl" 'BEGIN { print (a <= 1.15 && b <= 1.15) ? "yes" : "no" }')
            row="| P2 | VmRSS 5 s after ready / after $REFRESHES refreshes ($label), median | $(mb "$fi_") / $(mb "$fl") | bare runtime (after $REFRESHES hello requests): $(mb "$bi") / $(mb "$bl") | ${ri}× / ${rl}× | ≤ 1.15× | $m |"
            note="P2 ($label): VmRSS from /proc/<pid>/status, $MEM_RUNS runs of each alternating, same JVM flags on both sides. The firmware's load: 4 token slots (SMTP and 3 POP settings) given tokens through the REST API from a local device-flow server on 127.0.0.1 issuing 1 s access tokens, so the token service renews each by itself; measured once the server counted $REFRESHES refresh grants. Firmware after load $(mb "$(value firmwareLoadMin "$line")")–$(mb "$(value firmwareLoadMax "$line")"), bare $(mb "$(value bareLoadMin "$line")")–$(mb "$(value bareLoadMax "$line")")."
            if [[ $flags == - ]]; then
                echo "$row" >"$RESULTS/P2.md"; echo "$note" >"$RESULTS/P2.notes.md"
            else
                echo "$row" >>"$RESULTS/P2.md"; echo >>"$RESULTS/P2.notes.md"; echo "$note" >>"$RESULTS/P2.notes.md"
            fi
        elif [[ $flags == - ]]; then
            failed P2 "VmRSS ($label)" "≤ 1.15×" "$work/P2.log"
        else
            echo "| P2 | VmRSS ($label) | failed | | | ≤ 1.15× | no |" >>"$RESULTS/P2.md"
            { echo; echo "**P2 ($label) failed** (last lines of its log):"; echo '```'; tail -n 15 "$work/P2.log"; echo '```'; } >>"$RESULTS/P2.notes.md"
        fi
    done
fi

if wanted P9; then
    echo "== P9 start-up with a class-data archive, $RUNS pairs" >&2
    kept="$work/p9-device"
    rm -rf "$kept" && mkdir -p "$kept"
    # Training start: fills the bundle cache and writes the archive at exit (the build-time step of the image).
    if driver train "$firmware" "-XX:ArchiveClassesAtExit=firmware.jsa $p9_levers" "$kept" >"$work/P9.log" 2>&1 \
        && line=$(driver start "$RUNS" "$firmware" "$bare" "-XX:SharedArchiveFile=firmware.jsa $p9_levers" - "$kept" 2> >(tee -a "$work/P9.log" >&2)); then
        f=$(value firmware "$line"); b=$(value bare "$line"); r=$(ratio "$f" "$b")
        echo "| P9 | Start to ready with AppCDS archive + kept bundle cache + C1/SerialGC, median ms | $f ms | bare runtime, default JVM: $b ms | ${r}× | ≤ 0.7× | $(met "$r" 0.7) |" >"$RESULTS/P9.md"
        echo "P9: one training start with \`-XX:ArchiveClassesAtExit=firmware.jsa\` (JDK 17 dynamic archive; it does archive the bundles' classes Felix loads from its cache, except those SPI Fly weaves) and the same levers, stopped with SIGTERM; then $RUNS runs of each alternating: firmware with \`-XX:SharedArchiveFile=firmware.jsa $p9_levers\` in the kept folder (fresh data and conf folders each run), bare runtime with the default JVM. Archive $(stat -c %s "$kept/firmware.jsa" 2>/dev/null || echo '?') B. Firmware $(value firmwareMin "$line")–$(value firmwareMax "$line") ms, bare $(value bareMin "$line")–$(value bareMax "$line") ms. CPU time until ready, median: firmware $(value firmwareCpu "$line") ms, bare $(value bareCpu "$line") ms ($(ratio "$(value firmwareCpu "$line")" "$(value bareCpu "$line")")×)." >"$RESULTS/P9.notes.md"
    else
        failed P9 "Start with AppCDS" "≤ 0.7×" "$work/P9.log"
    fi
fi
