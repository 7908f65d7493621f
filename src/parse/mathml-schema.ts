/**
 * The MathML (Core and what Temml writes) that the sanitiser keeps: the
 * formulas are made by Colophon from TeX, and raw MathML in a manuscript is
 * held to the same elements and attributes.
 */
export const mathmlTagNames = [
  'math', 'semantics', 'annotation', 'annotation-xml', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msub', 'msup', 'msubsup',
  'mfrac', 'msqrt', 'mroot', 'mstyle', 'merror', 'mpadded', 'mphantom', 'munder', 'mover', 'munderover', 'mmultiscripts', 'mprescripts',
  'none', 'mtable', 'mtr', 'mtd', 'mlabeledtr', 'menclose', 'maction',
];

const common = ['className', 'id', 'style', 'mathvariant', 'mathcolor', 'mathbackground', 'mathsize', 'dir', 'displaystyle', 'scriptlevel'];

export const mathmlAttributes: Record<string, string[]> = {
  math: [...common, 'display', 'xmlns', 'alttext'],
  annotation: ['encoding'],
  'annotation-xml': ['encoding'],
  mo: [...common, 'form', 'fence', 'separator', 'lspace', 'rspace', 'stretchy', 'symmetric', 'maxsize', 'minsize', 'largeop', 'movablelimits', 'accent'],
  mspace: [...common, 'width', 'height', 'depth'],
  mpadded: [...common, 'width', 'height', 'depth', 'lspace', 'voffset'],
  mfrac: [...common, 'linethickness'],
  munder: [...common, 'accentunder'],
  mover: [...common, 'accent'],
  munderover: [...common, 'accent', 'accentunder'],
  mtable: [...common, 'columnalign', 'rowalign', 'columnspacing', 'rowspacing', 'columnlines', 'rowlines', 'frame', 'width'],
  mtr: [...common, 'columnalign', 'rowalign'],
  mtd: [...common, 'columnalign', 'rowalign', 'columnspan', 'rowspan'],
  menclose: [...common, 'notation'],
  ...Object.fromEntries(['mrow', 'mi', 'mn', 'ms', 'mtext', 'msub', 'msup', 'msubsup', 'msqrt', 'mroot', 'mstyle', 'merror', 'mphantom', 'mmultiscripts', 'semantics'].map((name) => [name, common])),
};
