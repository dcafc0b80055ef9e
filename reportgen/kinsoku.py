"""Kinsoku (禁则, GB/T 15834): the characters a line may not start or end with — one list for the PDF's
line breaker, the DOCX heads' break simulation, the title breaker and the checker, so that the writer
and the checker cannot drift apart.

The lists are Word's zh-CN defaults (ECMA-376 w:kinsoku; docs/gbt9704.md §6.1), which the DOCX turns on
(w:kinsoku) and which GB/T 9704 checks 5 measures on the PDF. Pure data, no imports.
"""

from __future__ import annotations

# Word's zh-CN "cannot start a line" and "cannot end a line" lists (．is in both: it neither starts nor ends one)
NO_START = frozenset("!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｀｜｝～￠")
NO_END = frozenset("$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥")

# The PDF's line breaker keeps a dash with what precedes it as well: a line never starts with "—"
# (the pair "——" is one unit there, and a range "1—12月" is not split before its dash). The checker
# tests dash pairs on their own (a "——" split over two lines), so it uses NO_START as it is.
BREAKER_NO_START = NO_START | {"—"}

# LibreOffice hangs these past the right edge of the 版心 when the document language is Chinese
# ("hanging punctuation"; Word honours w:overflowPunct="0" and does not): docs/docx-in-office-programs.md
LIBREOFFICE_HANGING = frozenset("、。，．：")

# LibreOffice breaks before and after U+00B7 although Word's lists forbid both (it ignores the DOCX's
# kinsoku settings there): the DOCX heads avoid it by column widths, the checker excuses it in
# LibreOffice's rendering of running text (docs/docx-in-office-programs.md)
LIBREOFFICE_BREAKS_AROUND = frozenset("·")
