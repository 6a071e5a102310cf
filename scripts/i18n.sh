#!/usr/bin/env bash
# The message catalogues (Babel): service/i18n/locale/{vi,en}/LC_MESSAGES/messages.po are what a translator
# edits; the .mo files the app reads are build output (not committed).
#   scripts/i18n.sh extract [POT]   message ids named in the code and templates → POT (default: a temp file)
#   scripts/i18n.sh update          extract, then add new ids to both catalogues (empty, for a translator)
#   scripts/i18n.sh compile         .po → .mo (bootstrap.sh and the Docker build run this)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
[ -x "$PYBABEL" ] || PYBABEL=pybabel
LOCALES=service/i18n/locale
# Where the code names an id: Python lookups and N_() marks, the templates' t()/t_or().
KEYWORDS=(-k ui_text -k error_text -k N_ -k t -k t_or)
case "${1:-}" in
  extract)
    out=${2:-$(mktemp --suffix=.pot)}
    "$PYBABEL" --quiet extract -F babel.cfg --no-default-keywords "${KEYWORDS[@]}" --sort-output \
      --no-wrap --project "Kho Truyền Thông" -o "$out" . >&2
    echo "$out" ;;
  update)
    pot=$("$0" extract)
    "$PYBABEL" --quiet update -i "$pot" -d "$LOCALES" -D messages --no-fuzzy-matching --ignore-obsolete --no-wrap
    rm -f "$pot" ;;
  compile)
    "$PYBABEL" --quiet compile -d "$LOCALES" -D messages ;;
  *) echo "usage: $0 extract [POT] | update | compile" >&2; exit 2 ;;
esac
