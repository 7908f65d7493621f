/**
 * Only the document model makes notes.
 *
 * The model marks note calls, notes and citations with data attributes
 * (`data-note-call`, `data-note`, `data-note-kind`, `data-cites`). Raw HTML
 * in a manuscript could write the same attributes and so forge a note
 * (`<div data-note="1" data-note-kind="citation">`). So, before raw HTML is
 * parsed, the model's own attributes are put aside under a key the text
 * cannot know (a random name made for this document); after the raw HTML
 * is parsed and sanitised, every attribute of the model's that is left came
 * from the manuscript and is removed, and the model's own are put back.
 */
import { randomBytes } from '../shared/random.js';
import type { Element, Properties, Root } from 'hast';
import { visit } from 'unist-util-visit';

/** Whether a hast property name is one the model reserves for itself. */
export function isModelProperty(name: string): boolean {
  return /^dataNote/.test(name) || name === 'dataCites';
}

export interface ModelAttributeGuard {
  /** The hast property that carries the key through parsing and sanitising (let it through the sanitiser). */
  property: string;
  /** Put the model's own attributes aside (before raw HTML is parsed). */
  protect(tree: Root): void;
  /** Drop the attributes the manuscript wrote, and put the model's back (after sanitising). */
  restore(tree: Root): void;
}

export function modelAttributeGuard(): ModelAttributeGuard {
  // Lower-case letters only, so the name survives hast → HTML → hast unchanged.
  const nonce = [...randomBytes(12)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  const property = `dataC${nonce}`;
  const aside: Properties[] = [];
  return {
    property,
    protect(tree) {
      visit(tree, 'element', (node: Element) => {
        const own = Object.keys(node.properties).filter(isModelProperty);
        if (own.length === 0) return;
        const bag: Properties = {};
        for (const key of own) {
          bag[key] = node.properties[key];
          delete node.properties[key];
        }
        node.properties[property] = String(aside.push(bag) - 1);
      });
    },
    restore(tree) {
      visit(tree, 'element', (node: Element) => {
        const key = node.properties[property];
        for (const name of Object.keys(node.properties)) if (isModelProperty(name) || name === property) delete node.properties[name];
        const bag = typeof key === 'string' ? aside[Number(key)] : undefined;
        if (bag) Object.assign(node.properties, bag);
      });
    },
  };
}
