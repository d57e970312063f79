#!/usr/bin/env bash
# Installs the benchmark's PyTorch peer (bench/peers/pytorch.py), only when it is missing:
#   python3-torch         Debian's PyTorch (CPU)
#   libopenblas0-pthread  a real BLAS for it: with Debian's reference BLAS PyTorch is several
#                         times slower, and the comparison would be against a handicapped peer
# Debian installs it for /usr/bin/python3 (a python3 earlier on PATH, e.g. pyenv's, may lack it):
# npm run bench runs the peer with the first of $DOWNHILL_PYTHON, python3, /usr/bin/python3 that
# can `import torch`, and says it was skipped, and why, when none can.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)
dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'install ok installed' || need+=(libopenblas0-pthread)
if [ ${#need[@]} -eq 0 ]; then
  echo "pytorch peer: python3-torch and libopenblas0-pthread present"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "pytorch peer: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
