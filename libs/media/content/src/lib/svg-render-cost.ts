/** An id drawn again `times` times: once for a `use` or a fill, once per vertex for a marker. */
export interface RenderReference {
  readonly id: string;
  readonly times: number;
}

interface Subtree {
  readonly id: string | null;
  elements: number;
  readonly references: RenderReference[];
}

/**
 * How many elements librsvg draws once every reference is followed: a `use` draws its target
 * again, and so does a pattern, marker, mask, clip path or gradient named by `url(#id)`
 * or `href="#id"`. Ten `use`s of a group of ten `use`s of … is a few hundred bytes that expand
 * exponentially (librsvg gives up only after seconds of CPU), so the expanded count is bounded
 * like the document's own. A style sheet's `url(#id)` may apply to every element and, as a
 * marker, to every vertex, so it is charged once per element and vertex. Fed in document order
 * while the SVG is parsed.
 */
export class SvgRenderCost {
  private readonly open: Subtree[] = [];
  private readonly byId = new Map<string, Subtree>();
  private root: Subtree | null = null;
  private readonly styleSheetReferences: string[] = [];
  private vertices = 0;

  enter(id: string | null, references: readonly RenderReference[], vertices: number): void {
    this.vertices += vertices;
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

  /** `url(#id)`s of a kept style sheet: its selectors may match any element. */
  styleSheetReferencesTo(ids: readonly string[]): void {
    this.styleSheetReferences.push(...ids);
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
        cost += reference.times * costOfId(reference.id);
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
    let cost = costOf(this.root);
    for (const reference of this.styleSheetReferences) {
      if (cost > limit) break;
      cost += (this.root.elements + this.vertices) * costOfId(reference);
    }
    return cost <= limit;
  }
}
