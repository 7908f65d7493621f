/**
 * Spaces that a screen reader keeps. In Chromium's tagged PDFs a space
 * that ends a line in `white-space: normal` text is dropped from the
 * structure (the words at the line end and start run together), though
 * it is in the page text. With `white-space: pre-wrap` the space stays
 * in the line (hanging past its end, so justification is unchanged) and
 * reaches the structure. That mode keeps every space and line feed as
 * written, so the text is first made to read as `normal` would show it:
 * runs of white space become one space, and white space between blocks
 * goes. The stylesheet then sets `pre-wrap` on the text (`.print-spaces`).
 * Lines of preformatted text get a space before their line feed, which
 * the structure text otherwise drops as well.
 */

const BLOCKISH = /^(block|list-item|table|table-row|table-cell|table-row-group|table-header-group|table-footer-group|flex|grid|flow-root)/;

function isBlock(node: Node | null): boolean {
  return !!node && node.nodeType === Node.ELEMENT_NODE && BLOCKISH.test(getComputedStyle(node as Element).display);
}

/** Collapse the white space of `root`'s text as `white-space: normal` would, in the DOM itself. */
export function collapseWhiteSpace(root: Element): void {
  const collapses = new Map<Element, boolean>();
  const collapsible = (el: Element): boolean => {
    let known = collapses.get(el);
    if (known === undefined) {
      const ws = getComputedStyle(el).whiteSpaceCollapse;
      known = ws ? ws === 'collapse' : getComputedStyle(el).whiteSpace.startsWith('normal') || getComputedStyle(el).whiteSpace === 'nowrap';
      collapses.set(el, known);
    }
    return known;
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) texts.push(n);
  let lastEndsInSpace = true;
  let lastBlock: Element | null = null;
  for (const text of texts) {
    const parent = text.parentElement;
    if (!parent || !collapsible(parent)) {
      // Preformatted lines: a space before each line feed (it hangs, unseen)
      // keeps the lines apart in the structure text too.
      if (text.data.includes('\n')) text.data = text.data.replace(/([^ \n])\n/g, '$1 \n');
      lastEndsInSpace = false;
      continue;
    }
    // The nearest block: a new block starts with no space carried over.
    let block: Element | null = parent;
    while (block && !isBlock(block)) block = block.parentElement;
    if (block !== lastBlock) lastEndsInSpace = true;
    lastBlock = block;
    let value = text.data.replace(/[ \t\n\r\f]+/g, ' ');
    const blank = value.trim() === '';
    if (blank && (isBlock(text.previousSibling) || isBlock(text.nextSibling) || isBlock(parent) && (!text.previousSibling || !text.nextSibling))) {
      text.data = '';
      continue;
    }
    if (lastEndsInSpace && value.startsWith(' ')) value = value.slice(1);
    if (value.length) lastEndsInSpace = value.endsWith(' ');
    text.data = value;
  }
}
