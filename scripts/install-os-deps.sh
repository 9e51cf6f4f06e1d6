#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages RealtimeGen needs, and nothing when they are already present.
#   runtime : Mesa EGL + OpenGL (headless rendering), GLFW (the desktop window)
#   --tests : adds Xvfb (a window test without a desktop), Python 3 with PyTorch + onnx (the training smoke test)
#             and OpenBLAS (Debian's PyTorch otherwise multiplies matrices with the reference BLAS, 5x slower)
# Works as root, or through sudo otherwise. Prints exactly what it installs.
set -euo pipefail

packages=(libegl1 libegl-mesa0 libgl1-mesa-dri libglfw3 mesa-vulkan-drivers)
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=(xvfb xauth python3-torch python3-onnx libopenblas0-serial) ;;
    *) echo "install-os-deps.sh: unknown option '$arg' (expected --tests)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "RealtimeGen needs these packages, and this machine has no apt-get: ${missing[*]}" >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "Installing ${missing[*]} needs root: run as root or install sudo." >&2; exit 1
  fi
fi

echo "Installing OS packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
