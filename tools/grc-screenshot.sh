#!/usr/bin/env bash
# Screenshot of GNU Radio Companion with a gr-modelfree flowgraph on the canvas and the [Model-free]
# category open in the block tree, on a virtual X display (Xvfb); no desktop needed.
#   tools/grc-screenshot.sh [OUT.png] [FLOWGRAPH.grc]
# Defaults: docs/img/grc_train_awgn.png and flowgraphs/train_awgn.grc. Runs under a temporary HOME
# (GRC's window size, gr-setup's install), so the user's own GNU Radio settings are not touched.
# Needs Xvfb, xdotool, ImageMagick's import and GNU Radio; as root it installs the missing ones.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$here/docs/img/grc_train_awgn.png}")"
grc="$(realpath "${2:-$here/flowgraphs/train_awgn.grc}")"
width=1600 height=1000

missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xdotool >/dev/null || missing+=(xdotool)
command -v import >/dev/null || missing+=(imagemagick)
command -v gnuradio-companion >/dev/null || missing+=(gnuradio)
/usr/bin/python3 -c 'import gi; gi.require_version("Gtk", "3.0")' 2>/dev/null || missing+=(gir1.2-gtk-3.0)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "grc-screenshot: needs ${missing[*]}: sudo apt-get install -y ${missing[*]}" >&2; exit 1; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" xauth >&2
fi

tmp="$(mktemp -d)"
xvfb_pid="" grc_pid=""
cleanup() {
  [ -z "$grc_pid" ] || kill "$grc_pid" 2>/dev/null || true
  [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

export HOME="$tmp/home"
mkdir -p "$HOME/.gnuradio"
unset GRC_BLOCKS_PATH GR_PREFS_PATH GRC_PREFS_PATH
# gr-setup into the temporary HOME: the user install (~/.local) a user gets from ./modelfree gr-setup
"$here/modelfree" gr-setup --build "$tmp/cmake-build" >&2
cat > "$HOME/.gnuradio/grc.conf" <<CONF
[main]
main_window_width = $width
main_window_height = $height
blocks_window_position = 1180
console_window_position = 840
variable_editor_sidebar = False
CONF

display=":$(( 90 + RANDOM % 100 ))"
Xvfb "$display" -screen 0 "${width}x${height}x24" -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY="$display"
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done

gnuradio-companion "$grc" >"$tmp/grc.log" 2>&1 &
grc_pid=$!
# the main window carries the flowgraph's file name in its title
win="$(timeout 90 xdotool search --sync --onlyvisible --name "$(basename "$grc")" | head -1)" || {
  cat "$tmp/grc.log" >&2; echo "grc-screenshot: GNU Radio Companion did not open a window" >&2; exit 1; }
xdotool windowmove "$win" 0 0 windowsize "$win" "$width" "$height"
sleep 4
# The block tree's search (Ctrl+F) with the category's block ids opens [Model-free] and nothing else.
xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus --sync "$win"
xdotool key --window "$win" ctrl+f
sleep 1
xdotool type --delay 60 "modelfree"
sleep 3
mkdir -p "$(dirname "$out")"
import -window root "$out"
echo "grc-screenshot: wrote $out" >&2
