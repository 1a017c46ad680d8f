# Sourced by tests/bindings/run and bindings/bench/run: finds or fetches the
# Kotlin compiler (npm) and JNA (Debian), and sets KOTLINC, KOTLIN_LIB,
# JNA_JAR and JNI_DIR. The cache is $HEARTH_CACHE, default ~/.cache/hearth.

KOTLIN_VERSION=2.4.20

kotlin_toolchain() {
  local cache=${HEARTH_CACHE:-$HOME/.cache/hearth}
  local kc=$cache/kotlin-compiler-$KOTLIN_VERSION
  if [ ! -x "$kc/bin/kotlinc" ]; then
    mkdir -p "$cache"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null &&
      tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz")
    chmod +x "$tmp"/package/bin/*
    rm -rf "$kc" && mv "$tmp/package" "$kc" && rm -rf "$tmp"
  fi
  KOTLINC=$kc/bin/kotlinc
  KOTLIN_LIB=$kc/lib

  local jna_root=/
  if [ ! -f /usr/share/java/jna.jar ]; then
    jna_root=$cache/jna
    if [ ! -f "$jna_root/usr/share/java/jna.jar" ]; then
      mkdir -p "$jna_root/debs"
      (cd "$jna_root/debs" && { apt-get download libjna-java libjna-jni 2>/dev/null ||
        { apt-get update -qq && apt-get download libjna-java libjna-jni; }; })
      local deb
      for deb in "$jna_root"/debs/*.deb; do dpkg-deb -x "$deb" "$jna_root"; done
    fi
  fi
  JNA_JAR=$jna_root/usr/share/java/jna.jar
  local dispatch
  dispatch=$(find "$jna_root/usr/lib" -name 'libjnidispatch*.so' -print -quit)
  if [ -z "$dispatch" ]; then
    echo "JNA's native dispatcher (libjnidispatch) is missing" >&2
    return 1
  fi
  JNI_DIR=$(dirname "$dispatch")
}
