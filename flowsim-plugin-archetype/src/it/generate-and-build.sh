#!/usr/bin/env bash
# CI check of the archetype (run by the verify phase of flowsim-plugin-archetype): generate a plugin
# project from the archetype as a new user would, build it and run its tests against the FlowSim
# artifacts just deployed to the file repository, then list it with the just-built distribution.
# A private local repository keeps every io.flowsim artifact out of the shared one.
# Usage: generate-and-build.sh VERSION FILE_REPOSITORY_URL SHARED_LOCAL_REPOSITORY WORK_DIR DISTRIBUTION_DIR
set -euo pipefail

version="$1"
repo_url="$2"
shared="$3"
work="$4"
dist="$5"

rm -rf "$work"
mkdir -p "$work/m2"
# The shared repository's third-party artifacts, as hard links (no copy, no download), without io.flowsim.
if ! cp -al "$shared/." "$work/m2/" 2>/dev/null; then
  echo "archetype-it: cannot hard-link $shared; third-party artifacts will be downloaded" >&2
  rm -rf "$work/m2" && mkdir -p "$work/m2"
fi
rm -rf "$work/m2/io/flowsim"

cat > "$work/settings.xml" <<XML
<settings>
  <localRepository>$work/m2</localRepository>
  <profiles>
    <profile>
      <id>flowsim-file-repository</id>
      <repositories>
        <!-- 'archetype' is where archetype:generate looks for the archetype itself -->
        <repository>
          <id>archetype</id>
          <url>$repo_url</url>
          <releases><enabled>true</enabled></releases>
          <snapshots><enabled>true</enabled></snapshots>
        </repository>
        <repository>
          <id>flowsim-local</id>
          <url>$repo_url</url>
          <releases><enabled>true</enabled></releases>
          <snapshots><enabled>true</enabled></snapshots>
        </repository>
      </repositories>
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>flowsim-file-repository</activeProfile>
  </activeProfiles>
</settings>
XML

cd "$work"
echo "archetype-it: generating hello-backend from io.flowsim:flowsim-plugin-archetype:$version"
mvn -B -q -s settings.xml org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate \
  -DarchetypeGroupId=io.flowsim -DarchetypeArtifactId=flowsim-plugin-archetype -DarchetypeVersion="$version" \
  -DgroupId=com.example.flowsim -DartifactId=hello-backend -Dversion=1.0.0 \
  -Dpackage=com.example.flowsim.hello -DinteractiveMode=false
echo "archetype-it: building the generated project (mvn verify)"
mvn -B -s settings.xml -f hello-backend/pom.xml verify > build.log 2>&1 || { tail -n 60 build.log >&2; exit 1; }
grep -E "Tests run: [0-9]+, Failures: 0, Errors: 0" build.log | tail -n 1
if [[ -x "$dist/bin/flowsim" ]]; then
  "$dist/bin/flowsim" plugins --plugins-dir hello-backend/target > plugins.txt
  if ! grep -q "^hello-backend " plugins.txt; then
    echo "archetype-it: 'flowsim plugins --plugins-dir hello-backend/target' does not list hello-backend:" >&2
    cat plugins.txt >&2
    exit 1
  fi
  echo "archetype-it: flowsim plugins lists hello-backend"
fi
