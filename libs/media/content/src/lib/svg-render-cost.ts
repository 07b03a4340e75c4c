interface Subtree {
  readonly id: string | null;
  elements: number;
  readonly references: string[];
}

/**
 * How many elements librsvg draws once every reference is followed: a `use` draws its target
 * again, and so does a pattern, marker, mask, clip path, filter or gradient named by `url(#id)`
 * or `href="#id"`. Ten `use`s of a group of ten `use`s of … is a few hundred bytes that expand
 * exponentially (librsvg gives up only after seconds of CPU), so the expanded count is bounded
 * like the document's own. Fed in document order while the SVG is parsed.
 */
export class SvgRenderCost {
  private readonly open: Subtree[] = [];
  private readonly byId = new Map<string, Subtree>();
  private root: Subtree | null = null;

  enter(id: string | null, references: readonly string[]): void {
    this.open.push({ id, elements: 1, references: [...references] });
  }

  leave(): void {
    const subtree = this.open.pop();
    if (!subtree) return;
    // The first element with an id wins, as in librsvg.
    if (subtree.id !== null && !this.byId.has(subtree.id)) this.byId.set(subtree.id, subtree);
    const parent = this.open[this.open.length - 1];
    if (parent) {
      parent.elements += subtree.elements;
      for (const reference of subtree.references) parent.references.push(reference);
    } else {
      this.root = subtree;
    }
  }

  /** Whether drawing the document stays within `limit` elements (a reference cycle never does). */
  withinLimit(limit: number): boolean {
    if (!this.root) return true;
    const costs = new Map<string, number>();
    const visiting = new Set<string>();
    const costOf = (subtree: Subtree): number => {
      let cost = subtree.elements;
      for (const reference of subtree.references) {
        if (cost > limit) break;
        cost += costOfId(reference);
      }
      return cost;
    };
    const costOfId = (id: string): number => {
      const known = costs.get(id);
      if (known !== undefined) return known;
      const target = this.byId.get(id);
      if (!target) return 0;
      if (visiting.has(id)) return Number.POSITIVE_INFINITY;
      visiting.add(id);
      const cost = costOf(target);
      visiting.delete(id);
      costs.set(id, cost);
      return cost;
    };
    return costOf(this.root) <= limit;
  }
}
