#!/usr/bin/env bash
# Builds the four Debian packages from this checkout: lightshield-agent, lightshield-svm, lightshield-center and
# lightshield (the CLI), each a self-contained .NET publish (no .NET runtime on the machine) under /usr/lib/lightshield/,
# with its hardened systemd unit, its conffile in /etc/lightshield/ and its maintainer scripts (deploy/debian/).
# Usage: scripts/build-packages.sh [--version 0.1.0] [--out DIR] [--no-publish]
#   --no-publish  repackage the previous publish in DIR/publish (a version bump without recompiling)
# Needs only dotnet and dpkg-deb; no network beyond the NuGet restore. Prints the paths of the packages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version=0.1.0
out=.build/packages
publish=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --version) version=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-publish) publish=0; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-packages: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $version =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || { echo "build-packages: '$version' is not a Debian version" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
arch=$(dpkg --print-architecture)
rid=linux-$( [[ $arch == arm64 ]] && echo arm64 || echo x64 )

# name:project: the packages and what each publishes.
packages=(agent:Lightshield.Agent svm:Lightshield.Svm center:Lightshield.Center cli:Lightshield.Cli)

if [[ $publish -eq 1 ]]; then
  rm -rf "$out/publish"
  # ReadyToRun: precompiled, so services and the CLI do not spend their first seconds JIT-compiling. One MSBuild run for
  # the four (deploy/packages.proj), in parallel on the machine's cores.
  properties=(-p:RuntimeIdentifier="$rid" -p:Version="${version%%[~+-]*}")
  for entry in "${packages[@]}"; do rm -rf "src/${entry#*:}/bin/Release/net10.0/$rid/publish"; done
  dotnet msbuild deploy/packages.proj -t:Restore "${properties[@]}" -nologo -v:quiet >"$out/publish.log" 2>&1 \
    && dotnet msbuild deploy/packages.proj -t:Publish -m "${properties[@]}" -nologo -v:quiet "-clp:ErrorsOnly;NoSummary" >>"$out/publish.log" 2>&1 \
    || { cat "$out/publish.log" >&2; exit 1; }
  for entry in "${packages[@]}"; do
    name=${entry%%:*} project=${entry#*:}
    mkdir -p "$out/publish"
    cp -a "src/$project/bin/Release/net10.0/$rid/publish" "$out/publish/$name"
  done
fi

# build_package PACKAGE PUBLISH-NAME DESCRIPTION DEPENDS
build_package() {
  local package=$1 name=$2 description=$3 depends=$4
  local root="$out/root/$package"
  rm -rf "$root"
  install -d "$root/DEBIAN" "$root/usr/lib/lightshield" "$root/usr/bin"
  cp -a "$out/publish/$name" "$root/usr/lib/lightshield/$name"
  # Debug symbols stay out of the package (they double its size).
  find "$root/usr/lib/lightshield/$name" -name '*.pdb' -delete
  local source=deploy/debian/$package
  if [[ -f $source/links ]]; then
    while read -r target link; do
      [[ -z $target || $target == \#* ]] && continue
      install -d "$root$(dirname "$link")"
      ln -sfn "$target" "$root$link"
    done <"$source/links"
  fi
  if [[ -f deploy/$package.service ]]; then
    install -D -m 0644 "deploy/$package.service" "$root/usr/lib/systemd/system/$package.service"
  fi
  : >"$root/DEBIAN/conffiles"
  for conffile in "$source"/etc/*.json; do
    [[ -e $conffile ]] || continue
    install -D -m 0644 "$conffile" "$root/etc/lightshield/$(basename "$conffile")"
    echo "/etc/lightshield/$(basename "$conffile")" >>"$root/DEBIAN/conffiles"
  done
  [[ -s $root/DEBIAN/conffiles ]] || rm "$root/DEBIAN/conffiles"
  for script in postinst prerm postrm; do
    [[ -f $source/$script ]] && install -m 0755 "$source/$script" "$root/DEBIAN/$script"
  done
  local size
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  {
    echo "Package: $package"
    echo "Version: $version"
    echo "Architecture: $arch"
    echo "Maintainer: Lightshield developers <lightshield@localhost>"
    echo "Installed-Size: $size"
    [[ -n $depends ]] && echo "Depends: $depends"
    echo "Section: admin"
    echo "Priority: optional"
    echo "Homepage: https://github.com/lightshield/lightshield"
    echo "Description: $description"
    sed 's/^/ /' "$source/description"
  } >"$root/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz -z1 --build "$root" "$out/${package}_${version}_${arch}.deb" >/dev/null
  rm -rf "$root"
  echo "$out/${package}_${version}_${arch}.deb"
}

# The four at once: compressing is most of the time.
build_package lightshield-agent agent "Lightshield light agent for a protected VM" "libnftables1, passwd" >"$out/agent.built" &
build_package lightshield-svm svm "Lightshield scan server (libclamav in sandboxed workers)" "libclamav12, bubblewrap, util-linux, passwd" >"$out/svm.built" &
build_package lightshield-center center "Lightshield security center (control plane, REST API, web console)" "passwd" >"$out/center.built" &
build_package lightshield cli "Lightshield command-line client (admin and scan)" "" >"$out/cli.built" &
failed=0
for pid in $(jobs -p); do wait "$pid" || failed=1; done
[[ $failed -eq 0 ]] || { echo "build-packages: a package failed to build" >&2; exit 1; }
for name in agent svm center cli; do cat "$out/$name.built"; rm "$out/$name.built"; done
