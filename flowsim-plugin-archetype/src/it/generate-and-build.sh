#!/usr/bin/env bash
# CI check of the archetype, run in the verify phase of flowsim-plugin-archetype after the FlowSim
# artifacts (parent, BOM, API, test kit, this archetype) were deployed to the file repository:
#   1. generate one project of each kind (backend, resolver, exporter) exactly as docs/writing-a-plugin.md
#      tells a new user to, but from the file repository;
#   2. build all three and run their tests (one Maven run over a throw-away aggregator POM);
#   3. list them with the just-built distribution's 'flowsim plugins --plugins-dir <project>/target';
#   4. run them in 'flowsim simulate' on a demo trace: the backend predicts, the exporter writes its table.
# The child Maven uses a private, initially empty local repository under target/: the FlowSim artifacts
# come from the file repository only, third-party ones from the shared local repository (read as a
# remote file repository, never written) or Maven Central.
# Usage: generate-and-build.sh VERSION FILE_REPOSITORY_URL SHARED_LOCAL_REPOSITORY WORK_DIR DISTRIBUTION_DIR REPO_ROOT [MAVEN_HOME]
set -euo pipefail

version="$1"
repo_url="$2"
shared="$3"
work="$4"
dist="$5"
root="$6"
mvn="mvn"
if [[ -n "${7:-}" && -x "$7/bin/mvn" ]]; then
  mvn="$7/bin/mvn"
fi
trace="$root/demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz"
kinds=(backend resolver exporter)

fail() {
  echo "archetype-it: $*" >&2
  exit 1
}

[[ -x "$dist/bin/flowsim" ]] || fail "no distribution at $dist (build flowsim-runtime first, or pass -Dflowsim.archetype.it.skip)"
[[ -f "$trace" ]] || fail "demo trace missing: $trace"

rm -rf "$work"
mkdir -p "$work/m2"
cat > "$work/settings.xml" <<XML
<settings>
  <localRepository>$work/m2</localRepository>
  <profiles>
    <profile>
      <id>flowsim-archetype-it</id>
      <repositories>
        <!-- 'archetype' is where archetype:generate looks for the archetype itself -->
        <repository>
          <id>archetype</id>
          <url>$repo_url</url>
          <snapshots><enabled>true</enabled></snapshots>
        </repository>
        <repository>
          <id>flowsim-local</id>
          <url>$repo_url</url>
          <snapshots><enabled>true</enabled></snapshots>
        </repository>
        <repository>
          <id>shared-local</id>
          <url>file://$shared</url>
          <releases><checksumPolicy>ignore</checksumPolicy></releases>
          <snapshots><enabled>false</enabled></snapshots>
        </repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository>
          <id>shared-local</id>
          <url>file://$shared</url>
          <releases><checksumPolicy>ignore</checksumPolicy></releases>
          <snapshots><enabled>false</enabled></snapshots>
        </pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>flowsim-archetype-it</activeProfile>
  </activeProfiles>
</settings>
XML

cd "$work"
modules=""
for kind in "${kinds[@]}"; do
  echo "archetype-it: mvn archetype:generate -Dkind=$kind -DartifactId=hello-$kind"
  "$mvn" -B -q -s settings.xml org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate \
    -DarchetypeGroupId=io.flowsim -DarchetypeArtifactId=flowsim-plugin-archetype -DarchetypeVersion="$version" \
    -DgroupId=com.example.flowsim -DartifactId="hello-$kind" -Dversion=1.0.0 \
    -Dpackage=com.example.flowsim.hello -Dkind="$kind" > "generate-$kind.log" 2>&1 \
    || { cat "generate-$kind.log" >&2; fail "generating hello-$kind failed"; }
  modules="$modules<module>hello-$kind</module>"
done

# a kind that does not exist stops generation with one line and leaves no project behind
if "$mvn" -B -q -s settings.xml org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate \
    -DarchetypeGroupId=io.flowsim -DarchetypeArtifactId=flowsim-plugin-archetype -DarchetypeVersion="$version" \
    -DgroupId=com.example.flowsim -DartifactId=hello-bogus -Dkind=bogus > generate-bogus.log 2>&1; then
  fail "-Dkind=bogus generated a project"
fi
grep -q "Dkind=bogus is not a FlowSim extension kind" generate-bogus.log || { cat generate-bogus.log >&2; fail "-Dkind=bogus: no clear message"; }
[[ ! -e hello-bogus ]] || fail "-Dkind=bogus left hello-bogus/ behind"

# the chosen kind only: the other kinds' sources are gone
[[ -f hello-resolver/src/main/java/com/example/flowsim/hello/PrefixKernelResolver.java ]] \
  || fail "hello-resolver lacks PrefixKernelResolver.java"
if ls hello-resolver/src/main/java/com/example/flowsim/hello/ | grep -qv PrefixKernelResolver.java \
   || [[ -e hello-resolver/src/main/resources/META-INF/services/io.flowsim.api.SimulatorBackend ]]; then
  fail "hello-resolver holds another kind's files: $(cd hello-resolver && find src -type f | sort | tr '\n' ' ')"
fi

cat > pom.xml <<XML
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example.flowsim</groupId>
  <artifactId>archetype-it</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <modules>$modules</modules>
</project>
XML
echo "archetype-it: mvn verify of the three generated projects"
"$mvn" -B -s settings.xml verify > build.log 2>&1 || { tail -n 80 build.log >&2; fail "building the generated projects failed (log: $work/build.log)"; }
for kind in "${kinds[@]}"; do
  reports=(hello-$kind/target/surefire-reports/TEST-*.xml)
  [[ -f "${reports[0]}" ]] || fail "hello-$kind ran no tests"
  tests=$(grep -ho '<testsuite [^>]*' "${reports[@]}" | grep -o ' tests="[0-9]*"' | awk -F'"' '{ s += $2 } END { print s + 0 }')
  (( tests > 0 )) || fail "hello-$kind ran no tests"
  echo "archetype-it: hello-$kind: $tests tests passed"
done

flowsim="$dist/bin/flowsim"
"$flowsim" plugins --plugins-dir hello-backend/target --plugins-dir hello-resolver/target \
  --plugins-dir hello-exporter/target > plugins.txt 2>&1 || { cat plugins.txt >&2; fail "flowsim plugins failed"; }
for expected in "hello-backend +simulator backend .* plugin hello-backend \(" \
                "hello-resolver +kernel resolver .* plugin hello-resolver \(" \
                "hello-exporter +exporter .* plugin hello-exporter \(" \
                "--hello-backend.bandwidth-gbps"; do
  grep -Eq -- "$expected" plugins.txt || { cat plugins.txt >&2; fail "'flowsim plugins' shows no line matching: $expected"; }
done
echo "archetype-it: flowsim plugins lists hello-backend, hello-resolver and hello-exporter"

"$flowsim" --quiet simulate --plugins-dir hello-backend/target --plugins-dir hello-resolver/target \
  --plugins-dir hello-exporter/target --backend hello-backend --trace-file "$trace" --output-dir out \
  > simulate.txt 2>&1 || { cat simulate.txt >&2; fail "flowsim simulate with the generated plugins failed"; }
table="out/$(basename "$trace" .json.gz).family-totals.md"
[[ -f "$table" ]] || { ls out >&2; fail "the generated exporter wrote no $table"; }
# some family has kernels the generated backend predicted (column 5 > 0); GEMMs it declines (column 5 = 0)
awk -F'|' 'NR > 2 && $5 + 0 > 0 { found = 1 } END { exit !found }' "$table" \
  || { cat "$table" >&2; fail "no family in $table has predicted kernels"; }
grep -Eq '^\| gemm \| [1-9][0-9]* \| [0-9]+ \| 0 \| 0 \|$' "$table" \
  || { cat "$table" >&2; fail "$table: GEMMs should be measured but not predicted by hello-backend"; }
echo "archetype-it: flowsim simulate ran hello-backend and hello-exporter ($table)"
