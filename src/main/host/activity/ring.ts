/** Fixed-capacity buffer that keeps the newest items: O(1) push, oldest dropped first. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('Ring capacity must be a positive integer');
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    const end = (this.#start + this.#size) % this.capacity;
    this.#items[end] = item;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#start + i) % this.capacity] as T);
    return out;
  }

  /** Newest first, stopping after `limit` matches. */
  newest(limit: number, match: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = this.#size - 1; i >= 0 && out.length < limit; i--) {
      const item = this.#items[(this.#start + i) % this.capacity] as T;
      if (match(item)) out.push(item);
    }
    return out;
  }
}
