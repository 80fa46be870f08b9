"""Streamlit's own English words, said in French on the page.

Why a translator in the page: Streamlit 1.67 has no locale. Where a widget takes the text as a
parameter (placeholders, labels), the app passes French; the rest is written by Streamlit's
frontend (« Upload », « 200MB per file », « Skip to main content », the data grid's tooltips,
« Press Enter to apply », the status widget…). A small script, installed once in the page,
rewrites those texts and the attributes read aloud (aria-label, placeholder, title) as soon as
Streamlit draws them (a MutationObserver runs before the browser paints). It is installed in
the page by the map's frame once the map is drawn (``carto.map.interaction.PageScript``): a
frame of its own would delay the map. ``ENGLISH_DEFAULTS`` is the list the browser test checks
against the page's visible text.
"""

from __future__ import annotations

import json
from functools import cache

from carto.common.fmt import MONTHS

CHOOSE = "Choisir…"  # the placeholder of every multiselect (Streamlit's: « Choose options »)
# Exact texts (trimmed) and attribute values → French.
WORDS: dict[str, str] = {
    "Skip to main content": "Aller au contenu principal",
    "Upload": "Parcourir",
    "Browse files": "Parcourir",
    "Drag and drop file here": "Déposez un fichier ici",
    "Drag and drop a file here": "Déposez un fichier ici",
    "Drag and drop files here": "Déposez des fichiers ici",
    "Choose an option": "Choisir",
    "Choose options": "Choisir",
    "Add options": "Ajouter",
    "No results": "Aucun résultat",
    "Select all": "Tout sélectionner",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Running...": "Calcul en cours…",
    "Stopping...": "Arrêt…",
    "Stop": "Arrêter",
    "Rerun": "Relancer",
    "Always rerun": "Toujours relancer",
    "Please wait...": "Veuillez patienter…",
    "Connecting": "Connexion…",
    "Press Enter to apply": "Entrée pour valider",
    "Press Enter to submit form": "Entrée pour enregistrer",
    "Press Ctrl+Enter to apply": "Ctrl+Entrée pour valider",
    "Press ⌘+Enter to apply": "⌘+Entrée pour valider",
    "Press Ctrl+Enter to submit form": "Ctrl+Entrée pour enregistrer",
    "Press ⌘+Enter to submit form": "⌘+Entrée pour enregistrer",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "View fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Copy to clipboard": "Copier",
    "Link to heading": "Lien vers ce titre",
    "Collapse sidebar": "Replier le panneau",
    "Expand sidebar": "Déplier le panneau",
    "Sidebar": "Panneau latéral",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Delete": "Supprimer",
    "Remove": "Retirer",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
}
_UNITS = {"B": "o", "KB": "Ko", "MB": "Mo", "GB": "Go"}
_ENGLISH_MONTHS = (
    "January February March April May June July August September October November December"
)
# Patterns (JavaScript regular expressions) → French, for texts that carry a value.
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB) per file$", "$1$2 par fichier"),
    (r"^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB)$", "$1$2"),
    (r"^File must be (.+) or smaller\.$", "Le fichier doit faire au plus $1."),
    (r"^(.*) files are not allowed\.$", "Fichiers « $1 » refusés."),
    (r"^Help for (.+)$", "Aide : $1"),
)
# What the browser test looks for in the page's visible text (whole words, case-sensitive).
ENGLISH_DEFAULTS: tuple[str, ...] = (
    *(w for w in WORDS if w not in ("Open", "Close", "Search", "Stop", "Delete", "Remove")),
    "per file",
    "files are not allowed",
    "or smaller",
    "Drag and drop",
    "Press Enter",
    "Made with Streamlit",
    "Deploy",
    "Settings",
    "Record a screencast",
    "Clear cache",
)

_SCRIPT = """(function () {
  if (window.__atlasFrench) return;
  window.__atlasFrench = true;
  var words = __WORDS__, patterns = __PATTERNS__.map(function (p) {
    return [new RegExp(p[0]), p[1]];
  });
  var units = __UNITS__, months = __MONTHS__, english = __ENGLISH_MONTHS__;
  var ATTRS = ["aria-label", "placeholder", "title"];
  function say(text) {
    var key = text.trim();
    if (!key) return null;
    if (Object.prototype.hasOwnProperty.call(words, key)) return words[key];
    for (var i = 0; i < patterns.length; i++) {
      if (patterns[i][0].test(key)) {
        return key.replace(patterns[i][0], patterns[i][1])
          .replace(/(\\d)\\.(\\d)/, "$1,$2")
          .replace(/(\\d)\\s?(B|KB|MB|GB)\\b/, function (all, d, u) {
            return d + "\\u00a0" + units[u];
          });
      }
    }
    var month = key.match(/^([A-Z][a-z]+) (\\d{4})$/);
    if (month && english.indexOf(month[1]) >= 0) {
      return months[english.indexOf(month[1])] + " " + month[2];
    }
    return null;
  }
  function fix(node) {
    if (node.nodeType === 3) {
      var french = say(node.nodeValue);
      if (french !== null && french !== node.nodeValue.trim()) node.nodeValue = french;
      return;
    }
    if (node.nodeType !== 1) return;
    for (var a = 0; a < ATTRS.length; a++) {
      var value = node.getAttribute(ATTRS[a]);
      if (value) {
        var f = say(value);
        if (f !== null && f !== value) node.setAttribute(ATTRS[a], f);
      }
    }
    for (var c = node.firstChild; c; c = c.nextSibling) fix(c);
  }
  fix(document.body);
  new MutationObserver(function (changes) {
    changes.forEach(function (m) {
      if (m.type === "characterData") fix(m.target);
      else if (m.type === "attributes") fix(m.target);
      else m.addedNodes.forEach(fix);
    });
  }).observe(document.body, {childList: true, subtree: true, characterData: true,
                             attributes: true, attributeFilter: ATTRS});
  document.documentElement.lang = "fr";
})();"""


def _js(value: object) -> str:
    """JSON that cannot close the <script> element it is written in."""
    return json.dumps(value, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e")


@cache
def translator_script() -> str:
    """The translator, ready to run in the page (pure: the tests read it)."""
    return (
        _SCRIPT.replace("__WORDS__", _js(WORDS))
        .replace("__PATTERNS__", _js([list(p) for p in PATTERNS]))
        .replace("__UNITS__", _js(_UNITS))
        .replace("__MONTHS__", _js(list(MONTHS)))
        .replace("__ENGLISH_MONTHS__", _js(_ENGLISH_MONTHS.split()))
    )
